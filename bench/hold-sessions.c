/*
 * Opens N authenticated SMB2 sessions (one TCP connection each, tree connect
 * to IPC$) and holds them until stdin closes: live sessions for the
 * NetSessionEnum benchmark, far lighter than N smbclient processes.
 *     hold-sessions HOST PORT USER PASSWORD N
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "smb2/smb2.h"

int main(int argc, char **argv) {
    struct auth_identity id;
    struct smb2_conn **c;
    int n, ok = 0;

    if (argc != 6) {
        fprintf(stderr, "usage: %s HOST PORT USER PASSWORD N\n", argv[0]);
        return 2;
    }
    id = (struct auth_identity){.user = argv[3], .domain = "", .password = argv[4]};
    n = atoi(argv[5]);
    c = calloc((size_t) n, sizeof(*c));
    for (int i = 0; c && i < n; i++) {
        uint32_t tid;
        struct smb2_options o = {.timeout_ms = 20000};

        if (smb2_connect(argv[1], (uint16_t) atoi(argv[2]), NULL, &o, &id, &c[i], NULL) < 0)
            break;
        if (smb2_tree_connect(c[i], "IPC$", &tid) < 0)
            break;
        ok++;
    }
    printf("%d\n", ok);
    fflush(stdout);
    while (getchar() != EOF)
        ;
    return ok == n ? 0 : 1;
}
