#include "auth/creds.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/settings.h"

#define CREDS_MAX_FILE 65536

int creds_split_user(const char *in, struct auth_identity *id) {
    const char *sep = strpbrk(in, "\\/");
    char *user = NULL, *domain = NULL;

    if (sep) {
        domain = strndup(in, (size_t) (sep - in));
        user = strdup(sep + 1);
    } else if ((sep = strchr(in, '@'))) {
        user = strndup(in, (size_t) (sep - in));
        domain = strdup(sep + 1);
    } else {
        user = strdup(in);
    }
    if (!user || (sep && !domain)) {
        free(user);
        free(domain);
        return -ENOMEM;
    }
    free(id->user);
    id->user = user;
    if (domain) {
        free(id->domain);
        id->domain = domain;
    }
    return 0;
}

static char *trim(char *s) {
    char *e;

    while (isspace((unsigned char) *s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char) e[-1]))
        *--e = '\0';
    return s;
}

int creds_parse(const char *text, struct auth_identity *ret) {
    struct auth_identity id = {0};
    char *copy = strdup(text), *line, *save = NULL;
    char *domain = NULL;
    int r = 0;

    if (!copy)
        return -ENOMEM;
    for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq, *key, *val, **dst = NULL;

        key = trim(line);
        if (!*key || *key == '#' || *key == ';')
            continue;
        eq = strchr(key, '=');
        if (!eq) {
            r = -EINVAL;
            goto out;
        }
        *eq = '\0';
        key = trim(key);
        val = trim(eq + 1);
        if (strcasecmp(key, "username") == 0 || strcasecmp(key, "user") == 0) {
            if ((r = creds_split_user(val, &id)) < 0)
                goto out;
            continue;
        }
        if (strcasecmp(key, "password") == 0)
            dst = &id.password;
        else if (strcasecmp(key, "domain") == 0 || strcasecmp(key, "workgroup") == 0)
            dst = &domain;
        else
            continue; /* smbclient ignores what it does not know; so do we */
        free(*dst);
        if (!(*dst = strdup(val))) {
            r = -ENOMEM;
            goto out;
        }
    }
    if (domain) { /* an explicit domain line wins over DOMAIN\user */
        free(id.domain);
        id.domain = domain;
        domain = NULL;
    }
    if (!id.user) {
        r = -EINVAL;
        goto out;
    }
    *ret = id;
    memset(&id, 0, sizeof(id));
out:
    explicit_bzero(copy, strlen(text));
    free(copy);
    free(domain);
    auth_identity_clear(&id);
    return r;
}

int creds_load_file(const char *path, struct auth_identity *ret) {
    struct stat st;
    char *text = NULL;
    ssize_t n;
    size_t got = 0;
    int fd, r;

    /* Named by a setting or in $HOME: a symlink planted there is refused, not
     * followed (ELOOP), and opening a FIFO or device does not block (the
     * regular-file check below then refuses it). */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return errno == ELOOP ? -EACCES : -errno;
    if (fstat(fd, &st) < 0) {
        r = -errno;
        goto out;
    }
    /* Like ssh with its keys: a password file others can read is refused. */
    if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & (S_IRWXG | S_IRWXO))) {
        r = -EACCES;
        goto out;
    }
    if (st.st_size > CREDS_MAX_FILE) {
        r = -EFBIG;
        goto out;
    }
    text = malloc((size_t) st.st_size + 1);
    if (!text) {
        r = -ENOMEM;
        goto out;
    }
    while (got < (size_t) st.st_size && (n = read(fd, text + got, (size_t) st.st_size - got)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            r = -errno;
            goto out;
        }
        got += (size_t) n;
    }
    text[got] = '\0';
    r = creds_parse(text, ret);
out:
    if (text) {
        explicit_bzero(text, got);
        free(text);
    }
    close(fd);
    return r;
}

int creds_default(struct auth_identity *ret) {
    const char *env = setting_text(SETTING_CREDENTIALS_FILE), *xdg = secure_getenv("XDG_CONFIG_HOME"), *home = secure_getenv("HOME");
    char path[4096], pwbuf[4096];
    struct passwd pw, *found = NULL;
    int r;

    if (env && *env)
        return creds_load_file(env, ret); /* named explicitly: its absence is an error */
    if (xdg && *xdg == '/')
        r = snprintf(path, sizeof(path), "%s/wtsnet/credentials", xdg);
    else {
        if (!home || *home != '/') {
            /* The _r form: getpwuid's static result would be shared by every thread. */
            home = getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found ? found->pw_dir : NULL;
        }
        if (!home)
            goto anonymous;
        r = snprintf(path, sizeof(path), "%s/.config/wtsnet/credentials", home);
    }
    if (r < 0 || (size_t) r >= sizeof(path))
        goto anonymous;
    r = creds_load_file(path, ret);
    if (r != -ENOENT)
        return r;
anonymous:
    memset(ret, 0, sizeof(*ret));
    return 0;
}

/* ---- WNet table ---- */

struct wnet_entry {
    struct wnet_entry *next;
    char *key;
    struct auth_identity id;
};

static pthread_mutex_t wnet_lock = PTHREAD_MUTEX_INITIALIZER; /* guards wnet_list and its entries */
static struct wnet_entry *wnet_list;

int creds_wnet_add(const char *server_key, const struct auth_identity *id) {
    struct wnet_entry *e = calloc(1, sizeof(*e));
    int r;

    if (!e)
        return -ENOMEM;
    if (!(e->key = strdup(server_key)) || (r = auth_identity_copy(id, &e->id)) < 0) {
        free(e->key);
        free(e);
        return -ENOMEM;
    }
    pthread_mutex_lock(&wnet_lock);
    for (struct wnet_entry **p = &wnet_list; *p; p = &(*p)->next)
        if (strcmp((*p)->key, server_key) == 0) { /* replace: the newest wins */
            struct wnet_entry *old = *p;

            *p = old->next;
            free(old->key);
            auth_identity_clear(&old->id);
            free(old);
            break;
        }
    e->next = wnet_list;
    wnet_list = e;
    pthread_mutex_unlock(&wnet_lock);
    return 0;
}

int creds_wnet_remove(const char *server_key) {
    int r = -ENOENT;

    pthread_mutex_lock(&wnet_lock);
    for (struct wnet_entry **p = &wnet_list; *p; p = &(*p)->next)
        if (strcmp((*p)->key, server_key) == 0) {
            struct wnet_entry *old = *p;

            *p = old->next;
            free(old->key);
            auth_identity_clear(&old->id);
            free(old);
            r = 0;
            break;
        }
    pthread_mutex_unlock(&wnet_lock);
    return r;
}

int creds_wnet_lookup(const char *server_key, struct auth_identity *ret) {
    int r = 0;

    pthread_mutex_lock(&wnet_lock);
    for (struct wnet_entry *e = wnet_list; e; e = e->next)
        if (strcmp(e->key, server_key) == 0) {
            r = auth_identity_copy(&e->id, ret);
            if (r == 0)
                r = 1;
            break;
        }
    pthread_mutex_unlock(&wnet_lock);
    return r;
}
