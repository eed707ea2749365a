#include "common/fileio.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads from fd at offset from (or, from < 0, where it stands) until EOF or max bytes. */
static int read_bounded(int fd, off_t from, size_t max, bool fail_past_max, char **ret, size_t *ret_len) {
    size_t len = 0, cap = 0;
    char *buf = NULL;

    for (;;) {
        ssize_t n;

        if (len == cap) {
            size_t want = cap ? cap * 2 : 4096;
            char *bigger;

            /* One byte past max tells a file that is too large from one that fits exactly. */
            if (want > max + 1)
                want = max + 1;
            if (want <= cap)
                break; /* max bytes read, and the caller takes no more */
            bigger = realloc(buf, want + 1);
            if (!bigger) {
                free(buf);
                return -ENOMEM;
            }
            buf = bigger;
            cap = want;
        }
        n = from >= 0 ? pread(fd, buf + len, cap - len, from + (off_t) len) : read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int r = -errno;

            free(buf);
            return r;
        }
        if (n == 0)
            break;
        len += (size_t) n;
        if (len > max) {
            if (fail_past_max) {
                free(buf);
                return -EFBIG;
            }
            len = max;
            break;
        }
    }
    if (!buf && !(buf = malloc(1)))
        return -ENOMEM;
    buf[len] = '\0';
    *ret = buf;
    *ret_len = len;
    return 0;
}

int read_full_file_at(int dirfd, const char *path, int open_flags, size_t max, char **ret, size_t *ret_len) {
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | open_flags);
    int r;

    if (fd < 0)
        return -errno;
    r = read_bounded(fd, -1, max, true, ret, ret_len);
    close(fd);
    return r;
}

int read_file_tail(int fd, size_t max, char **ret, size_t *ret_len) {
    struct stat st;
    off_t from = 0;

    if (fstat(fd, &st) == 0 && st.st_size > (off_t) max)
        from = st.st_size - (off_t) max;
    return read_bounded(fd, from, max, false, ret, ret_len);
}

ssize_t read_small_file_at(int dirfd, const char *path, int open_flags, char *buf, size_t size) {
    int fd;
    ssize_t n;

    if (size == 0)
        return -EINVAL;
    fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | open_flags);
    if (fd < 0)
        return -errno;
    do
        n = read(fd, buf, size - 1);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        n = -errno;
    close(fd);
    if (n >= 0)
        buf[n] = '\0';
    return n;
}
