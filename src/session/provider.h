/*
 * Interactive-session providers: logind (sd-login + sd-bus), kernel audit
 * sessions, remote hosts. Each fills the same provider-neutral record; the
 * api/ layer turns records into Win32 structures. Every function returns
 * >= 0 on success or a negative errno (see src/common/errors.h for the
 * session-specific meanings); ret_ parameters are untouched on failure.
 */
#ifndef WTSNET_SESSION_PROVIDER_H
#define WTSNET_SESSION_PROVIDER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* DWORD session id 0: processes outside any login session (system services). */
#define SESSION_ID_SERVICES 0u
/* The RDP listener ("RDP-Tcp", WTSListen): outside both logind ranges (docs/api.md). */
#define SESSION_ID_RDP_LISTENER 0xFFFFFFFDu

/* The provider-neutral state of a session (mapped to WTS_CONNECTSTATE_CLASS in api/). */
enum session_state {
    SESSION_STATE_OPENING,  /* logging in                          → WTSInit */
    SESSION_STATE_ONLINE,   /* logged in, not in the foreground    → WTSConnected */
    SESSION_STATE_ACTIVE,   /* logged in, in the foreground        → WTSActive */
    SESSION_STATE_CLOSING,  /* logged out, processes may linger    → WTSDown */
    SESSION_STATE_SERVICES, /* session 0                           → WTSDisconnected */
    SESSION_STATE_LISTENING, /* a listener (e.g. RDP), no user     → WTSListen */
    SESSION_STATE_DISCONNECTED /* logged in, no client attached (RDP) → WTSDisconnected */
};

enum session_kind {
    SESSION_KIND_SERVICES, /* session 0 */
    SESSION_KIND_CONSOLE,  /* attached to a seat */
    SESSION_KIND_SSH,
    SESSION_KIND_RDP,
    SESSION_KIND_OTHER, /* su, cron, tty without seat, … */
    SESSION_KIND_LISTENER /* the RDP listener */
};

enum session_lock {
    SESSION_LOCK_UNKNOWN = -1,
    SESSION_LOCK_LOCKED = 0,
    SESSION_LOCK_UNLOCKED = 1
};

/* The record's strings, in one list (the struct, and every function that
 * frees, copies or fills them, expand it). UTF-8, never NULL in a record a
 * provider hands out (empty when unknown). */
#define SESSION_RECORD_STRINGS(X)                                                 \
    X(user)                                                                       \
    X(service)     /* PAM service: "sshd", "xrdp-sesman", "su-l" */              \
    X(type)        /* "tty", "x11", "wayland", "unspecified" */                  \
    X(class_name)  /* "user", "greeter", "background", … */                      \
    X(seat)                                                                       \
    X(tty)                                                                        \
    X(display)                                                                    \
    X(remote_host) /* the client's address or name, as the provider has it */   \
    X(remote_user)                                                                \
    X(winstation)  /* the server's own WinStation name (Windows hosts); "" = naming rules */ \
    X(domain)      /* the user's domain as the server has it; "" = this host's name */       \
    X(client_name) /* the client computer's name, when client_known */

#define SESSION_RECORD_STRING_FIELD(name) char *name;

/* One session, as much as the provider knows. Times are µs since the Unix
 * epoch, 0 when unknown. */
struct session_record {
    uint32_t id;
    char key[64]; /* the provider's own id: logind's "3" or "c2", the audit id */
    enum session_state state;
    enum session_kind kind;
    uid_t uid;
    bool has_uid;
    SESSION_RECORD_STRINGS(SESSION_RECORD_STRING_FIELD)
    bool remote;
    uint32_t vt;
    pid_t leader;
    uint64_t logon_usec;
    uint64_t idle_since_usec;
    bool idle;
    enum session_lock lock;
    bool has_times; /* logon/idle/lock were read (they cost a bus call on logind) */
    /* What a Windows RD Session Host tells (tsts_provider.c); 0/false elsewhere. */
    uint64_t connect_usec, disconnect_usec;
    bool client_known; /* client_name, client_build and client_protocol are the server's */
    uint32_t client_build;
    uint16_t client_protocol; /* WTS_PROTOCOL_TYPE_*: 0 console, 2 RDP */
};

struct session_list {
    struct session_record *items;
    size_t count;
};

/* Record lifetimes and the record builders every provider shares (session_record.c). */
void session_record_done(struct session_record *r);
void session_list_free(struct session_list *l);
/* Every string of r that is still NULL becomes "". -ENOMEM (r keeps what it has). */
int session_record_fill_strings(struct session_record *r);
/* A deep copy. */
int session_record_copy(const struct session_record *src, struct session_record *ret);
/* Session 0, "Services": the processes outside any login session (docs/api.md). */
int session_record_services(struct session_record *ret);
/* A new list with room for n sessions after session 0, which it holds first. */
int session_list_begin(struct session_list *ret, size_t n);

/* What a logoff may do, and when it gives up. */
struct logoff_policy {
    uint64_t grace_usec;    /* then force: SIGKILL every process of the session */
    uint64_t deadline_usec; /* then give up: -ETIMEDOUT */
};

/* Reads WTSNET_LOGOFF_GRACE_MS and WTSNET_LOGOFF_TIMEOUT_MS, else the defaults. */
void logoff_policy_from_env(struct logoff_policy *ret);

/* What an RDP client negotiated: desktop size in pixels, colour depth in bits per pixel. */
struct session_client_display {
    uint32_t width, height, bpp;
};

/* One process, as the provider knows it (docs/api.md, "Processes"). */
struct session_process {
    pid_t pid;
    uint32_t session;   /* SESSION_ID_SERVICES when it is in none */
    char name[64];      /* this host: comm; remote: argv[0]'s last component */
    uid_t uid;          /* effective uid */
    bool has_uid;
    bool has_stats;     /* the counters below were read */
    uint32_t threads;
    uint32_t handles;   /* open descriptors, when /proc/PID/fd may be read; else 0 */
    uint64_t vm_bytes, vm_peak_bytes;   /* virtual size: PagefileUsage, PeakPagefileUsage */
    uint64_t rss_bytes, rss_peak_bytes; /* resident: WorkingSetSize, PeakWorkingSetSize */
    uint64_t user_100ns, kernel_100ns;  /* CPU time */
    uint8_t sid[68];    /* the owner's SID as a Windows host sent it (MS-DTYP 2.4.2) … */
    uint8_t sid_len;    /* … its length; 0: none (this host's processes have has_uid) */
};

struct session_process_list {
    struct session_process *items;
    size_t count;
};

/* Any session, in the processes op (WTS_ANY_SESSION's value). */
#define SESSION_ID_ANY 0xFFFFFFFEu

void session_process_list_free(struct session_process_list *l);
/* Appends one process (a copy); -ENOMEM. */
int session_process_list_add(struct session_process_list *l, const struct session_process *pr);

struct session_provider;
struct session_subscription; /* session_events.h */

/* The processes op over this host's /proc: every process whose session (the
 * provider's pid_session op) is session, or any (SESSION_ID_ANY). A process
 * that ends while it is read is left out. (session_process.c) */
int session_processes_local(struct session_provider *p, int proc_fd, uint32_t session,
                            struct session_process_list *ret);
/* The terminate_process op on this host: SIGKILL through a pidfd, so that a
 * reused pid is never hit. The kernel's rule decides (the caller's own
 * processes, or CAP_KILL): -EPERM and nothing happens. -ESRCH: no such process. */
int session_terminate_local(pid_t pid);
/* How long a session of this host has been idle, in µs at now_usec: its
 * terminal's access time (as who(1) reads it) when it has a terminal, else
 * session_idle_from_hint. The idle_time op of logind and audit. */
int session_idle_local(struct session_provider *p, const struct session_record *r, uint64_t now_usec,
                       uint64_t *ret);
/* From the record's idle hint (logind's IdleHint/IdleSinceHint): 0 when not
 * idle; -EOPNOTSUPP when the record has no times. */
int session_idle_from_hint(const struct session_record *r, uint64_t now_usec, uint64_t *ret);

/* A message for a session's user (WTSSendMessage). UTF-8. */
struct session_message {
    const char *title;
    const char *text;
    uint32_t style;       /* MB_* as given */
    uint32_t timeout_sec; /* 0: none */
    bool wait;
};

enum session_answer {
    SESSION_ANSWER_NONE,    /* shown only where no one can answer (terminals) */
    SESSION_ANSWER_TIMEOUT, /* shown with a way to answer; none came in time */
    SESSION_ANSWER_CLOSED,  /* dismissed without choosing */
    SESSION_ANSWER_BUTTON   /* a button was chosen: button */
};

struct session_message_result {
    enum session_answer answer;
    uint32_t button;    /* SESSION_ANSWER_BUTTON: the Win32 ID* of the button */
    unsigned terminals; /* terminals written to */
    unsigned notifications;
};

/* How long the terminals of one message may take to drain, together. */
#define SESSION_MESSAGE_WRITE_USEC (3u * 1000000u)

/* The send_message op on this host: every terminal of session id
 * (session_message.c). -EACCES: some terminal refused (mesg n, or not
 * ours) and none took it; -EOPNOTSUPP: nothing to show it on. */
int session_message_local(struct session_provider *p, int proc_fd, uint32_t id, const struct session_message *m,
                          struct session_message_result *ret);

struct session_provider_ops {
    const char *name;
    /* target: NULL for this host; otherwise a provider-specific address. */
    int (*open)(const char *target, struct session_provider **ret);
    void (*close)(struct session_provider *p);
    /* Every session, session 0 first. */
    int (*list)(struct session_provider *p, struct session_list *ret);
    /* One session. with_times also reads logon/idle/lock (a bus call on logind).
     * -ESRCH when there is none. */
    int (*get)(struct session_provider *p, uint32_t id, bool with_times, struct session_record *ret);
    /* The caller's own session (SESSION_ID_SERVICES when it has none). */
    int (*current)(struct session_provider *p, uint32_t *ret);
    int (*logoff)(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy);
    /* Optional (NULL: -EOPNOTSUPP). The client of a remote-display (RDP) session: its
     * address as text ("" when none is connected), and its display. */
    int (*client_address)(struct session_provider *p, const struct session_record *r, char **ret);
    int (*client_display)(struct session_provider *p, const struct session_record *r,
                          struct session_client_display *ret);
    /* Optional (NULL: -EOPNOTSUPP). Detaches the client, leaving the session running. */
    int (*disconnect)(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy);
    /* Optional (NULL: -EOPNOTSUPP). The session a process of this host is in
     * (-ESRCH: none); how a decorator tells which session owns a process. */
    int (*pid_session)(struct session_provider *p, pid_t pid, uint32_t *ret);
    /* Optional (NULL: -EOPNOTSUPP). The processes of one session, or of any
     * (SESSION_ID_ANY), in a new list. -ESRCH: no such session. */
    int (*processes)(struct session_provider *p, uint32_t session, struct session_process_list *ret);
    /* Optional (NULL: -EOPNOTSUPP). Ends a process; -ESRCH when there is
     * none, -EPERM when the caller may not (nothing is signalled). */
    int (*terminate_process)(struct session_provider *p, pid_t pid);
    /* Optional (NULL: -EOPNOTSUPP). The session in the foreground of the
     * console (seat0); -ESRCH when there is none. */
    int (*console_session)(struct session_provider *p, uint32_t *ret);
    /* Optional (NULL: session_idle_from_hint). How long the session (read
     * with times) has been idle at now_usec, in µs. */
    int (*idle_time)(struct session_provider *p, const struct session_record *r, uint64_t now_usec, uint64_t *ret);
    /* Optional (NULL: -EOPNOTSUPP). Shows a message to the session's user;
     * with m->wait, waits (at most m->timeout_sec, when not 0) for an answer. */
    int (*send_message)(struct session_provider *p, uint32_t id, const struct session_message *m,
                        struct session_message_result *ret);
    /* Optional (NULL: -EOPNOTSUPP). A stream of session changes, driven by
     * the component's own signals (session_events.h). */
    int (*subscribe)(struct session_provider *p, struct session_subscription **ret);
    /* Optional (NULL: terminate_process, the exit code dropped). Ends a
     * process with the exit code WTSTerminateProcess was given, where the
     * host can set it (Windows hosts); otherwise as terminate_process. */
    int (*terminate_process_code)(struct session_provider *p, pid_t pid, uint32_t exit_code);
};

struct session_provider {
    const struct session_provider_ops *ops;
};

extern const struct session_provider_ops logind_provider_ops;
extern const struct session_provider_ops remote_provider_ops; /* session/remote.h */
extern const struct session_provider_ops audit_provider_ops; /* kernel audit sessions (audit.c) */
/* A Windows RD Session Host over MS-TSTS (tsts_provider.c); target: an SMB
 * server name as rpc/binding.h parses it ("host", "host:port", "[v6]:port"). */
extern const struct session_provider_ops tsts_provider_ops;

/* The provider for this host: WTSNET_PROVIDER=logind|audit forces one;
 * otherwise logind where it runs, else audit (docs/providers.md). Either is
 * handed out wrapped by the xrdp layer. */
int session_provider_open_local(struct session_provider **ret);

/*
 * The xrdp layer (xrdp_provider.c) is a decorator: it wraps any provider
 * that reports xrdp sessions (service "xrdp-sesman", kind RDP) and adds
 * what only xrdp knows, read live (xrdp.h): the RDP listener "RDP-Tcp" in
 * lists and by id; an RDP session with no client attached as disconnected;
 * the client's address and display; disconnect; and a logoff that waits
 * until the client was told. Everything else, and every session of another
 * kind, is the inner provider's answer unchanged. It needs nothing of the
 * inner provider but these ops (pid_session, to find the session's X
 * server), so it works over logind and audit alike. On success the wrapper
 * owns inner (closing it closes both); on failure inner is untouched.
 */
int xrdp_provider_wrap(struct session_provider *inner, struct session_provider **ret);

/* Naming and classification rules shared by every provider (session.c).
 * session_classify sets the kind from id, service and seat; an xrdp session
 * is RDP, and remote, even though xrdp does not tell PAM so. */
void session_classify(struct session_record *r);
int session_winstation_name(const struct session_record *r, char *buf, size_t size);
/* The number of an X display name (":10", ":10.0", "host:10"), or -1. */
long session_display_number(const char *display);

/* logind ids: "N" ↔ N, "cN" ↔ 0x80000000 | N (docs/api.md, "Session ids"). */
#define SESSION_ID_CLASS_C 0x80000000u
int session_id_from_logind(const char *key, uint32_t *ret);
int session_id_to_logind(uint32_t id, char *buf, size_t size);

#endif
