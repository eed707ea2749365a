/* The xrdp layer decorates any provider (provider.h, xrdp_provider_wrap):
 * here a fake inner provider that reports an xrdp session on a display no
 * xorgxrdp serves, so every answer must be the inner provider's own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/provider.h"
#include "tap.h"

struct fake {
    struct session_provider base;
    int closed, logoffs, addresses;
    uint32_t last_logoff;
};

static struct fake fake;

static int make(uint32_t id, const char *service, struct session_record *ret) {
    struct session_record r = {.id = id, .state = SESSION_STATE_ACTIVE, .lock = SESSION_LOCK_UNKNOWN};

    snprintf(r.key, sizeof(r.key), "%u", (unsigned) id);
    r.service = strdup(service);
    r.display = strdup(":4242");
    if (!r.service || !r.display || session_record_fill_strings(&r) < 0) {
        session_record_done(&r);
        return -ENOMEM;
    }
    session_classify(&r);
    *ret = r;
    return 0;
}

static int fake_list(struct session_provider *p, struct session_list *ret) {
    struct session_list l = {.items = calloc(2, sizeof(*l.items))};

    (void) p;
    if (!l.items || session_record_services(&l.items[0]) < 0 || make(7, "xrdp-sesman", &l.items[1]) < 0) {
        free(l.items);
        return -ENOMEM;
    }
    l.count = 2;
    *ret = l;
    return 0;
}

static int fake_get(struct session_provider *p, uint32_t id, bool with_times, struct session_record *ret) {
    (void) p, (void) with_times;
    if (id == 7)
        return make(7, "xrdp-sesman", ret);
    if (id == 8)
        return make(8, "sshd", ret);
    return -ESRCH;
}

static int fake_current(struct session_provider *p, uint32_t *ret) {
    (void) p;
    *ret = 8;
    return 0;
}

static int fake_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    (void) p, (void) wait, (void) policy;
    fake.logoffs++;
    fake.last_logoff = id;
    return 0;
}

static int fake_address(struct session_provider *p, const struct session_record *r, char **ret) {
    (void) p, (void) r;
    fake.addresses++;
    *ret = strdup("192.0.2.1");
    return *ret ? 0 : -ENOMEM;
}

static void fake_close(struct session_provider *p) {
    (void) p;
    fake.closed++;
}

static const struct session_provider_ops fake_ops = {
    .name = "fake", .close = fake_close, .list = fake_list, .get = fake_get, .current = fake_current,
    .logoff = fake_logoff, .client_address = fake_address,
};

static struct session_provider *wrapped(void) {
    struct session_provider *p = NULL;

    memset(&fake, 0, sizeof(fake));
    fake.base.ops = &fake_ops;
    if (xrdp_provider_wrap(&fake.base, &p) < 0)
        return NULL;
    return p;
}

static void records_pass_through_and_an_xrdp_session_stays_remote(void) {
    struct session_provider *p = wrapped();
    struct session_list l = {0};
    struct session_record r;
    uint32_t cur = 0;

    REQUIRE(p != NULL);
    REQUIRE(p->ops->list(p, &l) == 0);
    REQUIRE(l.count >= 2); /* + the RDP listener when an xrdp runs on this host */
    CHECK_EQ_U(l.items[0].id, SESSION_ID_SERVICES);
    CHECK_EQ_U(l.items[1].id, 7);
    CHECK(l.items[1].kind == SESSION_KIND_RDP && l.items[1].remote);
    CHECK(l.items[1].state == SESSION_STATE_ACTIVE); /* no xorgxrdp on :4242: nothing to refine */
    session_list_free(&l);
    REQUIRE(p->ops->get(p, 8, false, &r) == 0);
    CHECK(r.kind == SESSION_KIND_SSH);
    session_record_done(&r);
    CHECK_EQ_I(p->ops->get(p, 9, false, &r), -ESRCH);
    CHECK(p->ops->current(p, &cur) == 0 && cur == 8);
    p->ops->close(p);
    CHECK_EQ_I(fake.closed, 1);
}

static void the_rdp_details_are_xrdps_and_the_rest_the_inner_providers(void) {
    struct session_provider *p = wrapped();
    struct logoff_policy policy = {.grace_usec = 1000, .deadline_usec = 1000000};
    struct session_client_display d;
    struct session_record rdp, ssh;
    char *addr = NULL;

    REQUIRE(p != NULL);
    REQUIRE(p->ops->get(p, 7, false, &rdp) == 0 && p->ops->get(p, 8, false, &ssh) == 0);
    /* Not served by xorgxrdp: xrdp knows nothing, and does not ask the inner provider. */
    CHECK_EQ_I(p->ops->client_address(p, &rdp, &addr), -EOPNOTSUPP);
    CHECK_EQ_I(fake.addresses, 0);
    CHECK_EQ_I(p->ops->client_display(p, &rdp, &d), -EOPNOTSUPP);
    CHECK_EQ_I(p->ops->disconnect(p, 7, false, &policy), -EOPNOTSUPP);
    /* Not an RDP session: the inner provider's answer, or none. */
    REQUIRE(p->ops->client_address(p, &ssh, &addr) == 0);
    CHECK_STREQ(addr, "192.0.2.1");
    free(addr);
    CHECK_EQ_I(p->ops->client_display(p, &ssh, &d), -EOPNOTSUPP);
    CHECK_EQ_I(p->ops->disconnect(p, 8, false, &policy), -EOPNOTSUPP);
    CHECK_EQ_I(p->ops->disconnect(p, 9, false, &policy), -ESRCH);
    CHECK(p->ops->logoff(p, 7, true, &policy) == 0 && fake.logoffs == 1 && fake.last_logoff == 7);
    session_record_done(&rdp);
    session_record_done(&ssh);
    p->ops->close(p);
}

TAP_MAIN(CASE(records_pass_through_and_an_xrdp_session_stays_remote),
         CASE(the_rdp_details_are_xrdps_and_the_rest_the_inner_providers))
