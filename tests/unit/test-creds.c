/*
 * The credentials file (src/auth/creds.c) is named by a setting
 * (WTSNET_CREDENTIALS_FILE) or found under $HOME: what sits at that path is
 * not trusted. A symlink is refused, not followed; a FIFO or device is
 * refused without blocking (nothing ever writes to it here: a blocking
 * open would hang, and the alarm below turns that into a failure); only a
 * private regular file is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/creds.h"
#include "tap.h"

static char dir[] = "/tmp/wtsnet-creds-XXXXXX";
static char good[256], link_path[256], fifo[256], open_perms[256];

static void write_file(const char *path, mode_t mode) {
    static const char text[] = "username = EXAMPLE\\alice\npassword = s3cret\n";
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

    if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t) (sizeof(text) - 1) || fchmod(fd, mode) < 0)
        abort();
    close(fd);
}

static void setup(void) {
    if (!mkdtemp(dir))
        abort();
    snprintf(good, sizeof(good), "%s/credentials", dir);
    snprintf(link_path, sizeof(link_path), "%s/link", dir);
    snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
    snprintf(open_perms, sizeof(open_perms), "%s/readable", dir);
    write_file(good, 0600);
    write_file(open_perms, 0644);
    if (symlink(good, link_path) < 0 || mkfifo(fifo, 0600) < 0)
        abort();
}

static void teardown(void) {
    unlink(good), unlink(link_path), unlink(fifo), unlink(open_perms);
    rmdir(dir);
}

static void a_private_regular_file_is_read(void) {
    struct auth_identity id = {0};

    CHECK_EQ_I(creds_load_file(good, &id), 0);
    CHECK_STREQ(id.user ? id.user : "", "alice");
    CHECK_STREQ(id.domain ? id.domain : "", "EXAMPLE");
    CHECK_STREQ(id.password ? id.password : "", "s3cret");
    auth_identity_clear(&id);
}

static void a_symlink_is_refused_not_followed(void) {
    struct auth_identity id = {0};

    CHECK_EQ_I(creds_load_file(link_path, &id), -EACCES);
    CHECK(id.user == NULL && id.password == NULL);
}

static void a_fifo_is_refused_without_blocking(void) {
    struct auth_identity id = {0};

    alarm(10); /* a blocking open would wait for a writer forever */
    CHECK_EQ_I(creds_load_file(fifo, &id), -EACCES);
    alarm(0);
    CHECK(id.user == NULL && id.password == NULL);
}

static void a_directory_or_device_is_refused(void) {
    struct auth_identity id = {0};

    CHECK_EQ_I(creds_load_file(dir, &id), -EACCES);
    alarm(10);
    CHECK_EQ_I(creds_load_file("/dev/zero", &id), -EACCES);
    alarm(0);
    CHECK(id.password == NULL);
}

static void a_file_others_can_read_is_refused(void) {
    struct auth_identity id = {0};

    CHECK_EQ_I(creds_load_file(open_perms, &id), -EACCES);
}

static void the_setting_is_held_to_the_same_rules(void) {
    struct auth_identity id = {0};

    setenv(CREDS_ENV, link_path, 1);
    CHECK_EQ_I(creds_default(&id), -EACCES);
    setenv(CREDS_ENV, fifo, 1);
    alarm(10);
    CHECK_EQ_I(creds_default(&id), -EACCES);
    alarm(0);
    setenv(CREDS_ENV, good, 1);
    CHECK_EQ_I(creds_default(&id), 0);
    CHECK_STREQ(id.password ? id.password : "", "s3cret");
    auth_identity_clear(&id);
    unsetenv(CREDS_ENV);
}

int main(void) {
    static const struct tap_case cases[] = {
        CASE(a_private_regular_file_is_read),    CASE(a_symlink_is_refused_not_followed),
        CASE(a_fifo_is_refused_without_blocking), CASE(a_directory_or_device_is_refused),
        CASE(a_file_others_can_read_is_refused),  CASE(the_setting_is_held_to_the_same_rules),
    };
    int r;

    setup();
    r = tap_run(cases, sizeof(cases) / sizeof(cases[0]));
    teardown();
    return r;
}
