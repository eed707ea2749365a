/*
 * A test program for tests/suites/48-rpc-auth.sh: one SMB2 connection (as
 * SMB_USER, or anonymous when it is empty: a null session is unsigned, so a
 * relay can alter what it carries and only DCE/RPC protection can notice),
 * \PIPE\srvsvc bound with the DCE/RPC authentication asked for (as RPC_USER),
 * then NetrSessionEnum (level 1, what Samba answers) or NetrSessionDel. Prints one line per
 * session, "client user", or "error <errno> fault 0x… werror …".
 *
 *   rpc-auth-driver HOST:PORT SMB_USER SMB_PW RPC_USER RPC_PW ntlmssp|spnego none|connect|sign|seal
 *                   enum | del CLIENT USER | enum2 (two enums on one binding)
 *
 * Environment, to make fragments: RPC_DRIVER_FRAG (the fragment size the bind
 * offers), RPC_DRIVER_FILTER_LEN (a client filter that long, which Samba
 * ignores, so the request fragments), RPC_DRIVER_SESSIONS (that many more SMB
 * sessions of RPC_USER held open first, so the answer fragments).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/dcerpc.h"
#include "rpc/srvsvc.h"
#include "smb2/smb2.h"

static int enum_once(struct rpc_client *rc, const char *unc) {
    struct srvs_session_list l = {0};
    uint32_t total = 0, werr = 0;
    const char *fl = getenv("RPC_DRIVER_FILTER_LEN");
    size_t n = fl ? strtoul(fl, NULL, 10) : 0;
    char *filter = NULL;
    int r;

    if (n > 0 && n < 100000 && (filter = malloc(n + 1))) {
        memset(filter, 'x', n);
        filter[n] = '\0';
    }
    r = srvs_session_enum(rc, unc, filter, NULL, 1, &l, &total, &werr);
    free(filter);

    if (r < 0 || werr) {
        printf("error %d fault 0x%08x werror %u\n", r, rc->fault, werr);
        srvs_session_list_free(&l);
        return 1;
    }
    for (size_t i = 0; i < l.n; i++)
        printf("%s %s\n", l.v[i].client ? l.v[i].client : "", l.v[i].user ? l.v[i].user : "");
    srvs_session_list_free(&l);
    return 0;
}

int main(int argc, char **argv) {
    struct smb2_options o = {.timeout_ms = 10000};
    struct auth_identity smb_id, rpc_id;
    struct rpc_auth_opts auth = {0};
    struct rpc_client rc;
    struct smb2_conn *c = NULL, *extra[64] = {0};
    size_t n_extra = getenv("RPC_DRIVER_SESSIONS") ? strtoul(getenv("RPC_DRIVER_SESSIONS"), NULL, 10) : 0;
    uint32_t tid = 0, status = 0, werr = 0;
    char host[256], unc[300], *colon;
    int r, ret = 1;

    if (argc < 9) {
        fprintf(stderr, "usage: %s HOST:PORT SMB_USER SMB_PW RPC_USER RPC_PW ntlmssp|spnego "
                        "none|connect|sign|seal enum|enum2|del CLIENT USER\n", argv[0]);
        return 2;
    }
    snprintf(host, sizeof(host), "%s", argv[1]);
    colon = strrchr(host, ':');
    if (!colon)
        return 2;
    *colon = '\0';
    snprintf(unc, sizeof(unc), "\\\\%s", host);
    smb_id = (struct auth_identity){.user = argv[2], .password = argv[3], .domain = ""};
    rpc_id = (struct auth_identity){.user = argv[4], .password = argv[5], .domain = ""};
    auth.type = strcmp(argv[6], "ntlmssp") == 0 ? RPC_C_AUTHN_WINNT : RPC_C_AUTHN_GSS_NEGOTIATE;
    auth.level = strcmp(argv[7], "connect") == 0 ? RPC_C_AUTHN_LEVEL_CONNECT
                 : strcmp(argv[7], "sign") == 0  ? RPC_C_AUTHN_LEVEL_PKT_INTEGRITY
                 : strcmp(argv[7], "seal") == 0  ? RPC_C_AUTHN_LEVEL_PKT_PRIVACY
                                                 : RPC_C_AUTHN_LEVEL_NONE;
    auth.id = &rpc_id;
    auth.target_host = host;
    auth.max_frag = getenv("RPC_DRIVER_FRAG") ? (uint16_t) strtoul(getenv("RPC_DRIVER_FRAG"), NULL, 10) : 0;
    for (size_t i = 0; i < n_extra && i < 64; i++)
        if ((r = smb2_connect(host, (uint16_t) atoi(colon + 1), host, &o, &rpc_id, &extra[i], &status)) < 0) {
            printf("error %d extra session\n", r);
            return 1;
        }
    if ((r = smb2_connect(host, (uint16_t) atoi(colon + 1), host, &o, &smb_id, &c, &status)) < 0) {
        printf("error %d smb status 0x%08x\n", r, status);
        return 1;
    }
    if ((r = rpc_bind_np_auth(&rc, c, &tid, "srvsvc", &srvsvc_syntax, &auth)) < 0) {
        printf("error %d fault 0x%08x bind\n", r, rc.fault);
        goto out;
    }
    if (strcmp(argv[8], "enum") == 0)
        ret = enum_once(&rc, unc);
    else if (strcmp(argv[8], "enum2") == 0)
        ret = enum_once(&rc, unc) || enum_once(&rc, unc);
    else if (strcmp(argv[8], "del") == 0 && argc >= 11) {
        r = srvs_session_del(&rc, unc, argv[9], argv[10], &werr);
        printf("%s %d fault 0x%08x werror %u\n", r < 0 || werr ? "error" : "deleted", r, rc.fault, werr);
        ret = r < 0 || werr;
    } else
        ret = 2;
    rpc_client_close(&rc);
out:
    smb2_conn_free(c);
    for (size_t i = 0; i < 64; i++)
        smb2_conn_free(extra[i]);
    return ret;
}
