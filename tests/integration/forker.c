/*
 * forker COUNTFILE: a session that never stops forking. It ignores
 * SIGTERM (as do its children: an ignored signal stays ignored across fork
 * and exec) and moves on as a chain: every 2 ms the running process forks
 * its successor and exits, so the session's only live process keeps
 * changing pid. One byte per generation goes to COUNTFILE, so a test can
 * see that it really forked, and that it stopped.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct timespec pause_2ms = {0, 2 * 1000 * 1000};
    int fd;

    if (argc != 2) {
        fprintf(stderr, "usage: forker COUNTFILE\n");
        return 2;
    }
    fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    for (;;) {
        pid_t child;

        (void) !write(fd, ".", 1);
        nanosleep(&pause_2ms, NULL);
        child = fork();
        if (child > 0)
            _exit(0); /* the successor carries on */
        if (child < 0)
            nanosleep(&pause_2ms, NULL);
    }
}
