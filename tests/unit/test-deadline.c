/* One deadline per call (src/common/deadline.c) and name resolution that
 * counts against it (src/common/resolve.c), offline. The resolver's hang is
 * tested against a silent DNS test double in tests/suites/70-hostile.sh. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "common/deadline.h"
#include "common/resolve.h"
#include "tap.h"

static void a_scope_fixes_one_deadline_and_nests(void) {
    int64_t outer, t0 = deadline_now_ms();

    setenv(DEADLINE_TIMEOUT_ENV, "3", 1);
    CHECK(deadline_scope() == INT64_MAX);
    deadline_scope_begin();
    outer = deadline_scope();
    CHECK(outer >= t0 + 3000 && outer <= deadline_now_ms() + 3000);
    setenv(DEADLINE_TIMEOUT_ENV, "60", 1);
    deadline_scope_begin(); /* a call inside the call: the outer deadline stands */
    CHECK_EQ_I(deadline_scope(), outer);
    CHECK(deadline_for(60000) == outer); /* a longer per-wait timeout never extends it */
    CHECK(deadline_for(100) < outer);    /* a shorter one still applies */
    deadline_scope_end();
    CHECK_EQ_I(deadline_scope(), outer);
    deadline_scope_end();
    CHECK(deadline_scope() == INT64_MAX);
    unsetenv(DEADLINE_TIMEOUT_ENV);
}

static void the_timeout_comes_from_the_environment_within_bounds(void) {
    setenv(DEADLINE_TIMEOUT_ENV, "2", 1);
    CHECK_EQ_I(deadline_timeout_ms(), 2000);
    setenv(DEADLINE_TIMEOUT_ENV, "0", 1);
    CHECK_EQ_I(deadline_timeout_ms(), DEADLINE_DEFAULT_MS);
    setenv(DEADLINE_TIMEOUT_ENV, "99999", 1);
    CHECK_EQ_I(deadline_timeout_ms(), DEADLINE_DEFAULT_MS);
    unsetenv(DEADLINE_TIMEOUT_ENV);
    CHECK_EQ_I(deadline_timeout_ms(), DEADLINE_DEFAULT_MS);
    CHECK_EQ_I(deadline_left_ms(deadline_now_ms() - 5), 0);
    CHECK(deadline_left_ms(INT64_MAX) == INT_MAX);
}

static void addresses_resolve_at_once_even_past_the_deadline(void) {
    struct addrinfo *ai = NULL;

    /* Numeric: no resolver, no thread, so no deadline to miss. */
    CHECK_EQ_I(resolve_with_deadline("127.0.0.1", 445, SOCK_STREAM, deadline_now_ms() - 1, &ai), 0);
    REQUIRE(ai != NULL);
    CHECK_EQ_I(ai->ai_family, AF_INET);
    freeaddrinfo(ai);
    ai = NULL;
    CHECK_EQ_I(resolve_with_deadline("::1", 445, SOCK_STREAM, deadline_now_ms() - 1, &ai), 0);
    if (ai)
        freeaddrinfo(ai);
}

static void a_name_past_the_deadline_is_a_timeout_not_a_lookup(void) {
    struct addrinfo *ai = NULL;

    CHECK_EQ_I(resolve_with_deadline("localhost", 445, SOCK_STREAM, deadline_now_ms() - 1, &ai), -ETIMEDOUT);
    CHECK(ai == NULL);
}

static void localhost_resolves_within_the_deadline(void) {
    struct addrinfo *ai = NULL;

    /* /etc/hosts only: the lookup runs on the resolver thread and is taken back. */
    CHECK_EQ_I(resolve_with_deadline("localhost", 445, SOCK_STREAM, deadline_now_ms() + 10000, &ai), 0);
    CHECK(ai != NULL);
    if (ai)
        freeaddrinfo(ai);
}

TAP_MAIN(CASE(a_scope_fixes_one_deadline_and_nests), CASE(the_timeout_comes_from_the_environment_within_bounds),
         CASE(addresses_resolve_at_once_even_past_the_deadline),
         CASE(a_name_past_the_deadline_is_a_timeout_not_a_lookup), CASE(localhost_resolves_within_the_deadline))
