/* `wtsnet net session`: list and delete network sessions (tools/netsession.c). */
#ifndef WTSNET_TOOLS_NETSESSION_H
#define WTSNET_TOOLS_NETSESSION_H

#include <stdbool.h>

/* argv[0] is the verb's own name; json: --json was given before the verb.
 * Returns the process exit status (0 ok, 1 failed, 2 usage). */
int verb_net_session(int argc, char **argv, bool json);

#endif
