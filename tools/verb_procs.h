/* The process and message verbs (tools/verb_procs.c): ps, kill, msg. */
#ifndef WTSNET_TOOLS_VERB_PROCS_H
#define WTSNET_TOOLS_VERB_PROCS_H

#include "verb_sessions.h"

check_fn check_ps, check_kill, check_msg;
session_verb_fn verb_ps, verb_kill, verb_msg;
/* ps's table: with a SERVER column ("server" key) when several hosts are asked. */
struct table *ps_table(bool json, bool labelled);

#endif
