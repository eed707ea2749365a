/*
 * sigwatch LOGFILE: a session member that writes the number of every
 * signal it receives to LOGFILE (one a line) and otherwise keeps running,
 * so a test can prove that a process was, or was not, signalled. SIGWINCH
 * and SIGCHLD are not recorded: a terminal sends the first on its own.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_fd = -1;

static void record(int sig) {
    char line[8];
    int n = 0;

    if (sig >= 10)
        line[n++] = (char) ('0' + sig / 10);
    line[n++] = (char) ('0' + sig % 10);
    line[n++] = '\n';
    (void) !write(log_fd, line, (size_t) n);
}

int main(int argc, char **argv) {
    struct sigaction sa;

    if (argc != 2) {
        fprintf(stderr, "usage: sigwatch LOGFILE\n");
        return 2;
    }
    log_fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        perror(argv[1]);
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = record;
    sigemptyset(&sa.sa_mask);
    for (int sig = 1; sig < 32; sig++)
        if (sig != SIGKILL && sig != SIGSTOP && sig != SIGWINCH && sig != SIGCHLD)
            sigaction(sig, &sa, NULL);
    for (;;)
        pause();
}
