/*
 * lm.h — the LAN Manager (netapi32) API wtsnet provides.
 */
#ifndef WTSNET_LM_H
#define WTSNET_LM_H

#include <lmcons.h>
#include <lmerr.h>
#include <lmapibuf.h>
#include <lmserver.h>

#endif
