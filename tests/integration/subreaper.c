/*
 * subreaper CMD [ARGS…]: runs CMD as a child subreaper (prctl(2)
 * PR_SET_CHILD_SUBREAPER), reaping every orphan below it, and exits with
 * CMD's status. Test sessions are killed as a whole, so their processes
 * are orphaned in any order; on a host whose PID 1 does not reap (some
 * container inits), each would stay a zombie forever. After CMD exits,
 * orphans still running are given a few seconds, then left to PID 1.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    pid_t main_child;
    int status = 0, main_status = 1;
    struct timespec tick = {0, 50 * 1000 * 1000};

    if (argc < 2) {
        fprintf(stderr, "usage: subreaper CMD [ARGS...]\n");
        return 2;
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        perror("prctl(PR_SET_CHILD_SUBREAPER)");
        return 1;
    }
    main_child = fork();
    if (main_child < 0) {
        perror("fork");
        return 1;
    }
    if (main_child == 0) {
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    for (;;) {
        pid_t p = waitpid(-1, &status, 0);

        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            return main_status; /* ECHILD: nothing left */
        if (p == main_child) {
            main_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
    }
    for (int i = 0; i < 100; i++) { /* 5 s for stragglers */
        pid_t p = waitpid(-1, &status, WNOHANG);

        if (p < 0 && errno != EINTR)
            break;
        if (p == 0)
            nanosleep(&tick, NULL);
    }
    return main_status;
}
