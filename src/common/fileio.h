/*
 * The one way files are read whole: bounded by a size cap chosen by the
 * caller (a file larger than its kind can be is not that kind of file), and
 * through EINTR. Returns 0 or a negative errno: the open's (-ENOENT,
 * -EACCES, …), -EFBIG past the cap, -ENOMEM; outputs untouched on failure.
 */
#ifndef WTSNET_COMMON_FILEIO_H
#define WTSNET_COMMON_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* The whole of path (relative to dirfd, or AT_FDCWD), at most max bytes, in a
 * new buffer with a NUL after the last byte. open_flags are added to
 * O_RDONLY | O_CLOEXEC | O_NOCTTY (e.g. O_NOFOLLOW). */
int read_full_file_at(int dirfd, const char *path, int open_flags, size_t max, char **ret, size_t *ret_len);

/* The last max bytes (all of a smaller file) of an open file, in a new buffer. */
int read_file_tail(int fd, size_t max, char **ret, size_t *ret_len);

/* A small file that the kernel hands over in one read(2) (/proc, /sys, pid
 * files): at most size - 1 bytes into buf, NUL-terminated. The length, or a
 * negative errno. Allocates nothing and takes no lock (async-signal-safe). */
ssize_t read_small_file_at(int dirfd, const char *path, int open_flags, char *buf, size_t size);

#endif
