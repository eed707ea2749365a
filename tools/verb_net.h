/* `wtsnet net session|file|share` (tools/verb_net.c). */
#ifndef WTSNET_TOOLS_VERB_NET_H
#define WTSNET_TOOLS_VERB_NET_H

#include <stdbool.h>

/* argv[0] is the verb's own name ("session"); json: --json was given before
 * `net`. Returns the exit status (0 ok, 1 failed, 2 usage). */
int verb_net_session(int argc, char **argv, bool json);
/* `net file [ID] [/close]` and `net share`, the same way. */
int verb_net_file(int argc, char **argv, bool json);
int verb_net_share(int argc, char **argv, bool json);

#endif
