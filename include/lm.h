/*
 * lm.h — the LAN Manager (netapi32) API wtsnet provides.
 */
#ifndef WTSNET_LM_H
#define WTSNET_LM_H

/* Ported programs get what windows.h brings on Windows (exit, malloc, wprintf). */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include <lmcons.h>
#include <lmerr.h>
#include <lmapibuf.h>
#include <lmserver.h>
#include <lmshare.h>
#include <lmwksta.h>

#endif
