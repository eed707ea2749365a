/* The watch verb (tools/verb_watch.c): session changes as they happen. */
#ifndef WTSNET_TOOLS_VERB_WATCH_H
#define WTSNET_TOOLS_VERB_WATCH_H

#include <stdbool.h>

/* argv[0] is "watch"; it takes its own options, its servers included. */
int verb_watch(int argc, char **argv, bool json);

#endif
