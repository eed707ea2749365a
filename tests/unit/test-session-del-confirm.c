/*
 * NetSessionDel's confirmation (src/rpc/srvs_client.c), offline: which listed
 * sessions count as "one of the deleted, still there", and the bounded wait
 * against enumerations faked here -- a test double for a server that keeps
 * listing a deleted session, lists it for a while, or drops the connection.
 * Real Samba cannot be made to keep a killed session listed on demand; the
 * integration suite (45-netsession) covers the real server.
 */
#include <stdlib.h>
#include <string.h>

#include "common/deadline.h"
#include "rpc/srvs_client.h"
#include "tap.h"

struct row {
    const char *client, *user;
    uint32_t age;
};

static struct srvs_session_list list_of(const struct row *r, size_t n) {
    struct srvs_session_list l = {.v = calloc(n ? n : 1, sizeof(struct srvs_session)), .n = n, .level = 1};

    for (size_t i = 0; i < n; i++) {
        l.v[i].client = strdup(r[i].client);
        l.v[i].user = strdup(r[i].user);
        l.v[i].time = r[i].age;
        l.v[i].num_opens = 1;
    }
    return l;
}

#define LIST(...) list_of((const struct row[]){__VA_ARGS__}, sizeof((const struct row[]){__VA_ARGS__}) / sizeof(struct row))

/* A look at times (ms after the enumeration before the delete, which came at
 * 1000; the delete was sent at 1010). */
static bool listed_at(const struct srvs_session_list *before, const char *client, const char *user,
                      struct srvs_session_list now, int64_t at_ms, const char *own_client, const char *own_user) {
    struct srvs_del_check c = {.before = before, .client = client, .user = user, .before_ms = 1000, .del_ms = 1010};
    struct srvs_look l = {.now = now, .asked_ms = 1000 + at_ms, .answered_ms = 1000 + at_ms + 5,
                          .own_client = own_client, .own_user = own_user};
    bool r = srvs_deleted_still_listed(&c, &l);

    srvs_session_list_free(&l.now);
    return r;
}

static void a_deleted_session_still_listed_counts(void) {
    struct srvs_session_list before = LIST({"127.0.0.2", "user2", 5}, {"127.0.0.1", "user1", 9});

    CHECK(listed_at(&before, "\\\\127.0.0.2", "user2", LIST({"127.0.0.2", "user2", 5}, {"127.0.0.1", "user1", 9}),
                    20, NULL, NULL));
    /* seconds later, older by as much */
    CHECK(listed_at(&before, "127.0.0.2", NULL, LIST({"127.0.0.2", "user2", 8}), 3000, NULL, NULL));
    /* the filters compare case-insensitively, with or without backslashes */
    CHECK(listed_at(&before, "\\\\127.0.0.2", "USER2", LIST({"127.0.0.2", "User2", 5}), 20, NULL, NULL));
    srvs_session_list_free(&before);
}

static void others_and_gone_ones_do_not_count(void) {
    struct srvs_session_list before = LIST({"127.0.0.2", "user2", 5}, {"127.0.0.1", "user1", 9});

    CHECK(!listed_at(&before, "127.0.0.2", "user2", LIST({"127.0.0.1", "user1", 9}), 20, NULL, NULL));
    /* the same user from another client, the same client as another user */
    CHECK(!listed_at(&before, "127.0.0.2", "user2", LIST({"127.0.0.3", "user2", 50}, {"127.0.0.2", "user1", 50}),
                     20, NULL, NULL));
    CHECK(!listed_at(&before, NULL, "user2", (struct srvs_session_list){0}, 20, NULL, NULL));
    srvs_session_list_free(&before);
}

static void a_reconnect_after_the_delete_is_a_new_session(void) {
    struct srvs_session_list before = LIST({"127.0.0.2", "user2", 5});

    /* 3 s later the same client and user, 0 s old: began after the delete */
    CHECK(!listed_at(&before, "127.0.0.2", "user2", LIST({"127.0.0.2", "user2", 0}), 3000, NULL, NULL));
    /* 100 ms later, 1 s old (rounding): still younger than the deleted one */
    CHECK(!listed_at(&before, "127.0.0.2", "user2", LIST({"127.0.0.2", "user2", 1}), 100, NULL, NULL));
    /* but 5 s old after 100 ms: that is the deleted one */
    CHECK(listed_at(&before, "127.0.0.2", "user2", LIST({"127.0.0.2", "user2", 5}), 100, NULL, NULL));
    srvs_session_list_free(&before);
}

static void a_fresh_deleted_session_is_not_mistaken_for_gone(void) {
    /* Deleted when 0 s old (or Samba's 0xFFFFFFFF, i.e. -1): a session of the
     * same client and user 0 s old right after may be it -- counted as listed. */
    struct srvs_session_list before = LIST({"127.0.0.2", "user2", 0}), before_m1 = LIST({"127.0.0.2", "user2", 0xFFFFFFFFu});

    CHECK(listed_at(&before, "127.0.0.2", "user2", LIST({"127.0.0.2", "user2", 0}), 30, NULL, NULL));
    CHECK(listed_at(&before_m1, "127.0.0.2", "user2", LIST({"127.0.0.2", "user2", 0xFFFFFFFFu}), 30, NULL, NULL));
    CHECK(listed_at(&before_m1, "127.0.0.2", "user2", LIST({"127.0.0.2", "user2", 0}), 30, NULL, NULL));
    srvs_session_list_free(&before);
    srvs_session_list_free(&before_m1);
}

static void a_session_older_than_the_delete_counts_even_if_unseen_before(void) {
    /* began between the enumeration and the delete, or simply missed */
    struct srvs_session_list before = LIST({"127.0.0.2", "user2", 5});

    CHECK(listed_at(&before, NULL, "user2", LIST({"127.0.0.9", "user2", 40}), 50, NULL, NULL));
    srvs_session_list_free(&before);
}

static void our_own_new_connection_is_not_one_of_the_deleted(void) {
    struct srvs_session_list before = LIST({"127.0.0.1", "admin", 0}, {"127.0.0.2", "admin", 7});

    /* deleting every session of admin ended ours: the new connection's session (youngest under
     * our address and user) is ours, not the old one */
    CHECK(!listed_at(&before, NULL, "admin", LIST({"127.0.0.1", "admin", 0}), 40, "127.0.0.1", "ADMIN"));
    /* without knowing it is ours, it cannot be told from the old one */
    CHECK(listed_at(&before, NULL, "admin", LIST({"127.0.0.1", "admin", 0}), 40, NULL, NULL));
    /* ours plus a twin of the same age: one of them may be the old one */
    CHECK(listed_at(&before, NULL, "admin", LIST({"127.0.0.1", "admin", 0}, {"127.0.0.1", "admin", 0}), 40,
                    "127.0.0.1", "admin"));
    /* ours plus the other deleted one, still there */
    CHECK(listed_at(&before, NULL, "admin", LIST({"127.0.0.2", "admin", 7}, {"127.0.0.1", "admin", 0}), 40,
                    "127.0.0.1", "admin"));
    srvs_session_list_free(&before);
}

/* ---- the bounded wait, against a faked enumeration ---- */

struct fake {
    int listed_looks;      /* looks that still list the deleted session (-1: forever) */
    int resets;            /* looks that fail with a reset first (-1: forever) */
    uint32_t werror;       /* every look answers this */
    int64_t deadline_ms;
    unsigned looks;
    bool wait_within_deadline;
    bool reconnected;
    const char *user;      /* the delete's user filter (NULL: every session, ours too) */
};

static struct srvs_session_list fake_before;

static int fake_look(void *vctx, int wait_ms, struct srvs_look *ret, uint32_t *werror) {
    struct fake *f = vctx;

    f->looks++;
    ret->asked_ms = deadline_now_ms();
    if (ret->asked_ms + wait_ms > f->deadline_ms + 50 || /* + scheduling */ wait_ms <= 0)
        f->wait_within_deadline = false;
    if (f->resets != 0) {
        if (f->resets > 0)
            f->resets--;
        f->reconnected = true;
        return -ECONNRESET;
    }
    if (f->werror) {
        *werror = f->werror;
        return 0;
    }
    if (f->listed_looks != 0) {
        if (f->listed_looks > 0)
            f->listed_looks--;
        ret->now = LIST({"127.0.0.2", "user2", 30}, {"127.0.0.1", "admin", 30});
    } else
        ret->now = LIST({"127.0.0.1", "admin", f->reconnected ? 0 : 30});
    if (f->reconnected)
        ret->own_client = "127.0.0.1", ret->own_user = "admin";
    ret->answered_ms = deadline_now_ms();
    return 0;
}

static int confirm(struct fake *f, int64_t within_ms, uint32_t *werror, int64_t *took_ms) {
    int64_t t0 = deadline_now_ms();
    struct srvs_del_check c = {.before = &fake_before, .client = NULL, .user = f->user, .before_ms = t0 - 10,
                               .del_ms = t0 - 5};
    unsigned looks;
    int r;

    fake_before = LIST({"127.0.0.2", "user2", 30}, {"127.0.0.1", "admin", 30});
    f->deadline_ms = t0 + within_ms;
    f->wait_within_deadline = true;
    *werror = 77;
    r = srvs_confirm_deleted(&c, f->deadline_ms, fake_look, f, werror, &looks);
    *took_ms = deadline_now_ms() - t0;
    CHECK_EQ_U(looks, f->looks);
    CHECK(f->wait_within_deadline);
    srvs_session_list_free(&fake_before);
    return r;
}

static void gone_at_the_first_look_is_success_at_once(void) {
    struct fake f = {.user = "user2"};
    uint32_t werror;
    int64_t took;

    CHECK_EQ_I(confirm(&f, 5000, &werror, &took), 0);
    CHECK_EQ_U(werror, 0);
    CHECK_EQ_U(f.looks, 1);
    CHECK(took < 1000);
}

static void listed_for_a_while_then_gone_is_success(void) {
    struct fake f = {.listed_looks = 4, .user = "user2"};
    uint32_t werror;
    int64_t took;

    CHECK_EQ_I(confirm(&f, 5000, &werror, &took), 0);
    CHECK_EQ_U(werror, 0);
    CHECK_EQ_U(f.looks, 5);
    CHECK(took >= 10 + 20 + 40 + 80); /* it backed off between looks */
    CHECK(took < 3000);
}

static void a_server_that_keeps_listing_gives_etimedout_within_the_bound(void) {
    struct fake f = {.listed_looks = -1, .user = "user2"};
    uint32_t werror;
    int64_t took;

    CHECK_EQ_I(confirm(&f, 600, &werror, &took), -ETIMEDOUT);
    CHECK_EQ_U(werror, 0);
    CHECK(took >= 600);
    CHECK(took < 600 + 1500); /* generous: the machine is loaded */
    /* backoff 10..250 ms: a handful of looks, not a busy loop */
    CHECK(f.looks >= 3 && f.looks <= 12);
    tap_diag("%u looks in %lld ms", f.looks, (long long) took);
}

static void a_reset_is_never_success_by_itself(void) {
    struct fake f = {.resets = -1};
    uint32_t werror;
    int64_t took;

    CHECK_EQ_I(confirm(&f, 400, &werror, &took), -ECONNRESET);
    CHECK(took >= 400 && took < 400 + 1500);
}

static void our_connection_ended_counts_once_a_new_one_confirms(void) {
    struct fake f = {.resets = 1};
    uint32_t werror;
    int64_t took;

    CHECK_EQ_I(confirm(&f, 5000, &werror, &took), 0);
    CHECK_EQ_U(f.looks, 2);
    CHECK_EQ_U(werror, 0);
}

static void a_refused_enumeration_after_the_delete_is_reported(void) {
    struct fake f = {.werror = 5, .user = "user2"};
    uint32_t werror;
    int64_t took;

    CHECK_EQ_I(confirm(&f, 300, &werror, &took), 0);
    CHECK_EQ_U(werror, 5);
    CHECK(took < 300 + 1500);
}

static void a_deadline_already_past_looks_no_more(void) {
    struct fake f = {.user = "user2"};
    uint32_t werror;
    int64_t took;

    CHECK_EQ_I(confirm(&f, 0, &werror, &took), -ETIMEDOUT);
    CHECK_EQ_U(f.looks, 0);
}

/* ---- a bare user name against domain-qualified listed names ---- */

static bool matches(const char *listed_user, const char *user) {
    struct srvs_session s = {.client = (char *) "127.0.0.1", .user = (char *) listed_user};

    return srvs_session_matches(&s, "127.0.0.1", user);
}

static void a_bare_user_name_matches_the_user_part_of_domain_user(void) {
    /* Samba AD DC lists "WTSLAB\carol"; Windows callers say "carol". */
    CHECK(matches("WTSLAB\\carol", "carol"));
    CHECK(matches("WTSLAB\\Carol", "CAROL"));
    CHECK(matches("WTSLAB\\carol", "wtslab\\CAROL")); /* the qualified name, as before */
    CHECK(matches("carol", "carol"));
    /* a qualified name matches only that domain's user, and no bare listed name */
    CHECK(!matches("WTSLAB\\carol", "OTHER\\carol"));
    CHECK(!matches("carol", "WTSLAB\\carol"));
    /* the whole user part, never a piece of it, nor the domain */
    CHECK(!matches("WTSLAB\\carol", "caro"));
    CHECK(!matches("WTSLAB\\carol2", "carol"));
    CHECK(!matches("WTSLAB\\carol", "WTSLAB"));
    CHECK(!matches("WTSLAB\\carol", "\\carol"));
    CHECK(!matches("", "carol"));
    CHECK(matches("WTSLAB\\carol", NULL) && matches("WTSLAB\\carol", "")); /* no filter */
}

static void the_delete_sends_each_distinct_listed_name_once(void) {
    struct srvs_session_list l = LIST({"127.0.0.2", "WTSLAB\\carol", 5}, {"127.0.0.3", "WTSLAB\\CAROL", 9},
                                      {"127.0.0.1", "WTSLAB\\administrator", 3}, {"127.0.0.4", "carol", 2},
                                      {"127.0.0.5", "OTHER\\carol", 2}, {"127.0.0.6", "WTSLAB\\carola", 2});
    const char *names[6];
    size_t n;

    n = srvs_del_user_names(&l, NULL, "carol", NULL, NULL, names);
    REQUIRE(n == 3);
    CHECK_STREQ(names[0], "WTSLAB\\carol"); /* as listed (first spelling), once */
    CHECK_STREQ(names[1], "carol");
    CHECK_STREQ(names[2], "OTHER\\carol");
    /* a qualified name: only that one */
    n = srvs_del_user_names(&l, NULL, "wtslab\\carol", NULL, NULL, names);
    REQUIRE(n == 1);
    CHECK_STREQ(names[0], "WTSLAB\\carol");
    /* the client filter applies too */
    n = srvs_del_user_names(&l, "\\\\127.0.0.4", "carol", NULL, NULL, names);
    REQUIRE(n == 1);
    CHECK_STREQ(names[0], "carol");
    CHECK_EQ_U(srvs_del_user_names(&l, NULL, "dave", NULL, NULL, names), 0);
    srvs_session_list_free(&l);
}

static void our_own_sessions_name_goes_last(void) {
    struct srvs_session_list l = LIST({"127.0.0.1", "WTSLAB\\admin", 5}, {"127.0.0.2", "admin", 9},
                                      {"127.0.0.3", "OTHER\\admin", 2});
    const char *names[3];
    size_t n;

    /* we are "admin" from 127.0.0.1, listed as WTSLAB\admin: deleted last */
    n = srvs_del_user_names(&l, NULL, "admin", "127.0.0.1", "admin", names);
    REQUIRE(n == 3);
    CHECK_STREQ(names[0], "admin");
    CHECK_STREQ(names[1], "OTHER\\admin");
    CHECK_STREQ(names[2], "WTSLAB\\admin");
    srvs_session_list_free(&l);
}

/* The confirmation judges the listed DOMAIN\user by a bare name too: the
 * deleted session still listed counts, another domain's user does not. */
static void the_confirmation_knows_a_bare_name_as_domain_user(void) {
    struct srvs_session_list before = LIST({"127.0.0.2", "WTSLAB\\carol", 5}, {"127.0.0.1", "WTSLAB\\admin", 9});

    CHECK(listed_at(&before, NULL, "carol", LIST({"127.0.0.2", "WTSLAB\\carol", 5}, {"127.0.0.1", "WTSLAB\\admin", 9}),
                    20, NULL, NULL));
    CHECK(!listed_at(&before, NULL, "carol", LIST({"127.0.0.1", "WTSLAB\\admin", 9}), 20, NULL, NULL));
    srvs_session_list_free(&before);
}

TAP_MAIN(CASE(a_deleted_session_still_listed_counts), CASE(others_and_gone_ones_do_not_count),
         CASE(a_reconnect_after_the_delete_is_a_new_session), CASE(a_fresh_deleted_session_is_not_mistaken_for_gone),
         CASE(a_session_older_than_the_delete_counts_even_if_unseen_before),
         CASE(our_own_new_connection_is_not_one_of_the_deleted), CASE(gone_at_the_first_look_is_success_at_once),
         CASE(listed_for_a_while_then_gone_is_success),
         CASE(a_server_that_keeps_listing_gives_etimedout_within_the_bound), CASE(a_reset_is_never_success_by_itself),
         CASE(our_connection_ended_counts_once_a_new_one_confirms),
         CASE(a_refused_enumeration_after_the_delete_is_reported), CASE(a_deadline_already_past_looks_no_more),
         CASE(a_bare_user_name_matches_the_user_part_of_domain_user),
         CASE(the_delete_sends_each_distinct_listed_name_once), CASE(our_own_sessions_name_goes_last),
         CASE(the_confirmation_knows_a_bare_name_as_domain_user))
