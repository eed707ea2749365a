/*
 * What every provider shares: session-id mapping, WinStation names, the
 * kind of a session, the logoff policy, and the choice of the local
 * provider (record lifetimes and builders: session_record.c).
 */
#include "session/provider.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errors.h"
#include "common/parse_int.h"
#include "common/settings.h"

/* A decimal uint32 with nothing else around it, and no leading zero. */
static int parse_u32(const char *s, uint32_t *ret) {
    uint64_t v;
    int r = parse_uint(s, 10, UINT32_MAX, 0, &v);

    if (r >= 0)
        *ret = (uint32_t) v;
    return r;
}

/*
 * logind names a session by its kernel audit session id ("3") where PAM set
 * one, else "c<N>". Audit ids map to themselves; "c<N>" to 0x80000000 | N.
 * Audit ids are a boot-wide counter starting at 1, so they stay far below
 * 0x80000000; 0 (Services), 0xFFFFFFFE and 0xFFFFFFFF (WTS_ANY_SESSION,
 * WTS_CURRENT_SESSION) are never produced.
 */
int session_id_from_logind(const char *key, uint32_t *ret) {
    uint32_t n;
    int r;

    if (!key)
        return -EINVAL;
    if (key[0] == 'c') {
        r = parse_u32(key + 1, &n);
        if (r < 0 || n >= 0x7FFFFFFDu) /* 0xFFFFFFFD..0xFFFFFFFF are the listener and the WTS_* ids */
            return -ERANGE;
        *ret = SESSION_ID_CLASS_C | n;
        return 0;
    }
    r = parse_u32(key, &n);
    if (r < 0 || n == 0 || n >= SESSION_ID_CLASS_C)
        return -ERANGE;
    *ret = n;
    return 0;
}

int session_id_to_logind(uint32_t id, char *buf, size_t size) {
    int n;

    if (id == SESSION_ID_SERVICES || id >= SESSION_ID_RDP_LISTENER)
        return -E_NO_SESSION;
    if (id & SESSION_ID_CLASS_C)
        n = snprintf(buf, size, "c%" PRIu32, id & ~SESSION_ID_CLASS_C);
    else
        n = snprintf(buf, size, "%" PRIu32, id);
    return n < 0 || (size_t) n >= size ? -ENOBUFS : 0;
}

static int str_eq(const char *a, const char *b) {
    return a && strcmp(a, b) == 0;
}

void session_classify(struct session_record *r) {
    if (r->id == SESSION_ID_SERVICES)
        r->kind = SESSION_KIND_SERVICES;
    else if (str_eq(r->service, "xrdp-sesman"))
        r->kind = SESSION_KIND_RDP;
    else if (r->seat && r->seat[0])
        r->kind = SESSION_KIND_CONSOLE;
    else if (str_eq(r->service, "sshd"))
        r->kind = SESSION_KIND_SSH;
    else
        r->kind = SESSION_KIND_OTHER;
    /* xrdp sessions are remote even though xrdp does not tell PAM so. */
    if (r->kind == SESSION_KIND_RDP)
        r->remote = true;
}

long session_display_number(const char *display) {
    const char *colon = display ? strrchr(display, ':') : NULL;
    size_t digits;
    uint64_t n;

    if (!colon)
        return -1;
    digits = strspn(colon + 1, "0123456789");
    /* ":10" or ":10.0" (screen 0 of display 10) */
    if (digits == 0 || (colon[1 + digits] != '\0' && colon[1 + digits] != '.') ||
        parse_uint_n(colon + 1, digits, 10, LONG_MAX, PARSE_INT_LEADING_ZEROS, &n) < 0)
        return -1;
    return (long) n;
}

/*
 * WinStation names, documented in docs/api.md:
 *   session 0       "Services"
 *   RDP listener    "RDP-Tcp"
 *   xrdp            "RDP-Tcp#<X display number>"
 *   on a seat       "Console" (seat0), "Console-<seat>" (other seats)
 *   sshd            "SSH#<logind id>"
 *   anything else   "<PAM service>#<logind id>", e.g. "su-l#c2"
 * Windows allows 32 characters; longer service names are cut.
 */
int session_winstation_name(const struct session_record *r, char *buf, size_t size) {
    long display;
    int n;

    switch (r->kind) {
    case SESSION_KIND_SERVICES:
        n = snprintf(buf, size, "Services");
        break;
    case SESSION_KIND_LISTENER:
        n = snprintf(buf, size, "RDP-Tcp");
        break;
    case SESSION_KIND_RDP:
        display = session_display_number(r->display);
        n = display >= 0 ? snprintf(buf, size, "RDP-Tcp#%ld", display) : snprintf(buf, size, "RDP-Tcp#%s", r->key);
        break;
    case SESSION_KIND_CONSOLE:
        n = str_eq(r->seat, "seat0") ? snprintf(buf, size, "Console") : snprintf(buf, size, "Console-%.20s", r->seat);
        break;
    case SESSION_KIND_SSH:
        n = snprintf(buf, size, "SSH#%s", r->key);
        break;
    default: {
        const char *what = r->service && r->service[0] ? r->service
                         : r->type && r->type[0]       ? r->type
                                                       : "session";
        n = snprintf(buf, size, "%.16s#%s", what, r->key);
        break;
    }
    }
    return n < 0 || (size_t) n >= size ? -ENOBUFS : 0;
}

void logoff_policy_from_env(struct logoff_policy *ret) {
    uint64_t grace_ms, deadline_ms;

    /* common/settings.h: a malformed value is the default. */
    (void) setting_duration_ms(SETTING_LOGOFF_GRACE, &grace_ms);
    (void) setting_duration_ms(SETTING_LOGOFF_TIMEOUT, &deadline_ms);
    ret->grace_usec = grace_ms * 1000;
    ret->deadline_usec = deadline_ms * 1000;
    if (ret->grace_usec > ret->deadline_usec)
        ret->grace_usec = ret->deadline_usec;
}

/* The provider handed out, wrapped by the xrdp layer (provider.h). */
static int open_wrapped(const struct session_provider_ops *ops, struct session_provider **ret) {
    struct session_provider *inner;
    int r = ops->open(NULL, &inner);

    if (r < 0)
        return r;
    r = xrdp_provider_wrap(inner, ret);
    if (r < 0)
        ops->close(inner);
    return r;
}

/* docs/providers.md: WTSNET_PROVIDER names one; otherwise logind when it
 * runs (systemd booted, logind's runtime state present), else the kernel's
 * audit sessions, which every Linux with PAM's pam_loginuid has. */
int session_provider_open_local(struct session_provider **ret) {
    static const struct session_provider_ops *const providers[] = {&logind_provider_ops, &audit_provider_ops};
    const char *forced = setting_text(SETTING_PROVIDER);
    int r = -EOPNOTSUPP;

    if (forced && *forced) {
        for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
            if (strcmp(forced, providers[i]->name) == 0)
                return open_wrapped(providers[i], ret);
        return -EOPNOTSUPP;
    }
    for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
        r = open_wrapped(providers[i], ret);
        if (r != -E_UNREACHABLE)
            return r;
    }
    return r;
}
