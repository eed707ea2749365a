#include "rpc/ndr_enum.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/ndr.h"

void ndr_enum_push_request(struct buf *b, uint32_t *next_referent, uint32_t level, uint32_t max_len, uint32_t resume) {
    ndr_push_u32(b, level);
    ndr_push_u32(b, level);                /* union discriminant */
    ndr_push_ptr(b, next_referent, true);  /* -> container */
    ndr_push_u32(b, 0);                    /* EntriesRead */
    ndr_push_ptr(b, next_referent, false); /* Buffer: none sent */
    ndr_push_u32(b, max_len);
    ndr_push_ptr(b, next_referent, true);  /* -> ResumeHandle */
    ndr_push_u32(b, resume);
}

static void *field_at(void *elem, const struct ndr_field *f) {
    return (char *) elem + f->off;
}

void ndr_enum_free(const struct ndr_layout *lay, void *v, size_t n) {
    for (size_t i = 0; v && i < n; i++) {
        void *e = (char *) v + i * lay->size;

        for (size_t k = 0; k < lay->n; k++)
            if (lay->f[k].kind == 'S')
                free(*(char **) field_at(e, &lay->f[k]));
            else if (lay->f[k].kind == 'B')
                free(*(uint8_t **) field_at(e, &lay->f[k]));
    }
    free(v);
}

/* A conformant BYTE array of exactly want bytes. */
static int pull_blob(struct cursor *c, uint32_t want, uint8_t **ret) {
    uint32_t max;
    uint8_t *p;
    int r;

    if ((r = ndr_pull_array_count(c, 1, &max)) < 0)
        return r;
    if (max != want)
        return -EBADMSG;
    p = malloc(max ? max : 1);
    if (!p)
        return -ENOMEM;
    if ((r = cur_get_bytes(c, p, max)) < 0) {
        free(p);
        return r;
    }
    *ret = p;
    return 0;
}

/* Element i's fixed part: the pointers' referent ids go to ptrs[k]. */
static int pull_fixed(struct cursor *c, const struct ndr_layout *lay, void *e, uint32_t *ptrs) {
    int r;

    for (size_t k = 0; k < lay->n; k++) {
        if (lay->f[k].kind == 'U')
            r = ndr_pull_u32(c, field_at(e, &lay->f[k]));
        else
            r = ndr_pull_ptr(c, &ptrs[k]);
        if (r < 0)
            return r;
    }
    return 0;
}

static int pull_deferred(struct cursor *c, const struct ndr_layout *lay, void *e, const uint32_t *ptrs) {
    uint32_t last_u = 0;
    int r;

    for (size_t k = 0; k < lay->n; k++) {
        if (lay->f[k].kind == 'U') {
            last_u = *(uint32_t *) field_at(e, &lay->f[k]);
            continue;
        }
        if (!ptrs[k])
            continue;
        if (lay->f[k].kind == 'S')
            r = ndr_pull_string(c, field_at(e, &lay->f[k]));
        else
            r = pull_blob(c, last_u, field_at(e, &lay->f[k]));
        if (r < 0)
            return r;
    }
    return 0;
}

int ndr_enum_pull_reply(const uint8_t *stub, size_t len, uint32_t level, const struct ndr_layout *lay, void **ret_v,
                        size_t *ret_n, uint32_t *ret_total, uint32_t *ret_resume, uint32_t *ret_werror) {
    struct cursor c;
    uint32_t got_level, disc, ctr_ptr, count = 0, buf_ptr = 0, max, total, resume_ptr, resume = 0, werror;
    uint32_t *ptrs = NULL;
    void *v = NULL;
    size_t n = 0;
    int r;

    cur_init(&c, stub, len);
    if ((r = ndr_pull_u32(&c, &got_level)) < 0 || (r = ndr_pull_u32(&c, &disc)) < 0 ||
        (r = ndr_pull_ptr(&c, &ctr_ptr)) < 0)
        goto fail;
    r = -EBADMSG;
    if (got_level != disc || (ctr_ptr && got_level != level))
        goto fail; /* an answer at another level than asked: not ours to reinterpret */
    if (ctr_ptr) {
        if ((r = ndr_pull_u32(&c, &count)) < 0 || (r = ndr_pull_ptr(&c, &buf_ptr)) < 0)
            goto fail;
        if (buf_ptr) {
            /* Conformant array: max_count, then count fixed parts of 4 bytes a member. */
            if ((r = ndr_pull_array_count(&c, 4 * lay->n, &max)) < 0)
                goto fail;
            r = -EBADMSG;
            if (max != count)
                goto fail;
            r = -ENOMEM;
            v = calloc(count ? count : 1, lay->size);
            ptrs = calloc((count ? count : 1) * lay->n, sizeof(*ptrs));
            if (!v || !ptrs)
                goto fail;
            n = count;
            for (uint32_t i = 0; i < count; i++)
                if ((r = pull_fixed(&c, lay, (char *) v + i * lay->size, ptrs + i * lay->n)) < 0)
                    goto fail;
            for (uint32_t i = 0; i < count; i++)
                if ((r = pull_deferred(&c, lay, (char *) v + i * lay->size, ptrs + i * lay->n)) < 0)
                    goto fail;
        } else if (count != 0) {
            r = -EBADMSG;
            goto fail;
        }
    }
    if ((r = ndr_pull_u32(&c, &total)) < 0 || (r = ndr_pull_ptr(&c, &resume_ptr)) < 0)
        goto fail;
    if (resume_ptr && (r = ndr_pull_u32(&c, &resume)) < 0)
        goto fail;
    if ((r = ndr_pull_status_end(&c, &werror)) < 0)
        goto fail;
    free(ptrs);
    *ret_v = v;
    *ret_n = n;
    *ret_total = total;
    if (ret_resume)
        *ret_resume = resume;
    *ret_werror = werror;
    return 0;
fail:
    free(ptrs);
    ndr_enum_free(lay, v, n);
    return r;
}
