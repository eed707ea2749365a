/*
 * forker COUNTFILE [fast]: a session that never stops forking. It ignores
 * SIGTERM (as do its children: an ignored signal stays ignored across fork
 * and exec) and moves on as a chain: every 2 ms the running process forks
 * its successor and exits, so the session's only live process keeps
 * changing pid ("fast": without the pause, some ten thousand generations
 * a second, each alive for microseconds). One byte per generation goes to COUNTFILE, so a test can
 * see that it really forked, and that it stopped. Should a logoff fail to
 * end it, it ends itself after 60 s rather than run on.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct timespec pause_2ms = {0, 2 * 1000 * 1000}, start, now;
    int fd;

    bool fast = argc == 3 && strcmp(argv[2], "fast") == 0;

    if (argc != 2 && !fast) {
        fprintf(stderr, "usage: forker COUNTFILE [fast]\n");
        return 2;
    }
    fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    clock_gettime(CLOCK_MONOTONIC, &start); /* inherited down the chain */
    for (;;) {
        pid_t child;

        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 60)
            exit(3);
        (void) !write(fd, ".", 1);
        if (!fast)
            nanosleep(&pause_2ms, NULL);
        child = fork();
        if (child > 0)
            _exit(0); /* the successor carries on */
        if (child < 0)
            nanosleep(&pause_2ms, NULL);
    }
}
