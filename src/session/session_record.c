/*
 * The session record's lifetime and the builders every provider shares;
 * the string fields are SESSION_RECORD_STRINGS's (provider.h), listed once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session/provider.h"

void session_record_done(struct session_record *r) {
    if (!r)
        return;
#define FREE_FIELD(name) free(r->name);
    SESSION_RECORD_STRINGS(FREE_FIELD)
#undef FREE_FIELD
    memset(r, 0, sizeof(*r));
}

void session_list_free(struct session_list *l) {
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++)
        session_record_done(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

int session_record_fill_strings(struct session_record *r) {
#define FILL_FIELD(name)                              \
    if (!r->name && !(r->name = strdup("")))          \
        return -ENOMEM;
    SESSION_RECORD_STRINGS(FILL_FIELD)
#undef FILL_FIELD
    return 0;
}

int session_record_copy(const struct session_record *src, struct session_record *ret) {
    struct session_record r = *src;
    int err = 0;

#define COPY_FIELD(name)                                   \
    if (!(r.name = strdup(src->name ? src->name : ""))) \
        err = -ENOMEM;
    SESSION_RECORD_STRINGS(COPY_FIELD)
#undef COPY_FIELD
    if (err < 0) {
        session_record_done(&r);
        return err;
    }
    *ret = r;
    return 0;
}

int session_list_begin(struct session_list *ret, size_t n) {
    struct session_list l = {.items = calloc(n + 1, sizeof(*l.items))};
    int r;

    if (!l.items)
        return -ENOMEM;
    r = session_record_services(&l.items[0]);
    if (r < 0) {
        free(l.items);
        return r;
    }
    l.count = 1;
    *ret = l;
    return 0;
}

int session_record_services(struct session_record *ret) {
    struct session_record r = {.id = SESSION_ID_SERVICES, .state = SESSION_STATE_SERVICES,
                               .kind = SESSION_KIND_SERVICES, .lock = SESSION_LOCK_UNKNOWN};

    strcpy(r.key, "services");
    if (session_record_fill_strings(&r) < 0) {
        session_record_done(&r);
        return -ENOMEM;
    }
    *ret = r;
    return 0;
}
