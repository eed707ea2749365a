/*
 * A small TAP producer for wtsnet's C tests. Each case is one behaviour,
 * named after it; CHECK* record a failure and go on, REQUIRE* end the case.
 * Output: "1..N", then "ok N - name" / "not ok N - name" / "ok N - name # SKIP why".
 */
#ifndef WTSNET_TESTS_TAP_H
#define WTSNET_TESTS_TAP_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tap_case {
    const char *name;
    void (*fn)(void);
};

static int tap_failed_now;
static const char *tap_skip_reason;
static jmp_buf tap_abort;

__attribute__((format(printf, 1, 2))) static inline void tap_diag(const char *fmt, ...) {
    va_list ap;

    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

#define TAP_FAIL(...)                                          \
    do {                                                       \
        tap_failed_now = 1;                                    \
        tap_diag("%s:%d: " "%s", __FILE__, __LINE__, "failed"); \
        tap_diag(__VA_ARGS__);                                 \
    } while (0)

#define CHECK(cond)                          \
    do {                                     \
        if (!(cond))                         \
            TAP_FAIL("CHECK(%s)", #cond);    \
    } while (0)

#define REQUIRE(cond)                          \
    do {                                       \
        if (!(cond)) {                         \
            TAP_FAIL("REQUIRE(%s)", #cond);    \
            longjmp(tap_abort, 1);             \
        }                                      \
    } while (0)

#define CHECK_EQ_U(a, b)                                                                           \
    do {                                                                                           \
        uint64_t tap_a_ = (uint64_t) (a), tap_b_ = (uint64_t) (b);                                 \
        if (tap_a_ != tap_b_)                                                                      \
            TAP_FAIL("CHECK_EQ_U(%s, %s): %" PRIu64 " != %" PRIu64, #a, #b, tap_a_, tap_b_);        \
    } while (0)

#define CHECK_EQ_I(a, b)                                                                           \
    do {                                                                                           \
        int64_t tap_a_ = (int64_t) (a), tap_b_ = (int64_t) (b);                                    \
        if (tap_a_ != tap_b_)                                                                      \
            TAP_FAIL("CHECK_EQ_I(%s, %s): %" PRId64 " != %" PRId64, #a, #b, tap_a_, tap_b_);        \
    } while (0)

#define CHECK_STREQ(a, b)                                                                          \
    do {                                                                                           \
        const char *tap_a_ = (a), *tap_b_ = (b);                                                   \
        if (!tap_a_ || !tap_b_ || strcmp(tap_a_, tap_b_) != 0)                                     \
            TAP_FAIL("CHECK_STREQ(%s, %s): \"%s\" != \"%s\"", #a, #b, tap_a_ ? tap_a_ : "(null)",  \
                     tap_b_ ? tap_b_ : "(null)");                                                  \
    } while (0)

#define CHECK_WCSEQ(a, b)                                                                          \
    do {                                                                                           \
        const wchar_t *tap_a_ = (a), *tap_b_ = (b);                                                \
        if (!tap_a_ || !tap_b_ || wcscmp(tap_a_, tap_b_) != 0)                                     \
            TAP_FAIL("CHECK_WCSEQ(%s, %s): \"%ls\" != \"%ls\"", #a, #b, tap_a_ ? tap_a_ : L"(null)", \
                     tap_b_ ? tap_b_ : L"(null)");                                                 \
    } while (0)

/* Marks the running case skipped (only where the environment lacks what it needs). */
#define SKIP(why)                 \
    do {                          \
        tap_skip_reason = (why);  \
        longjmp(tap_abort, 1);    \
    } while (0)

#define CASE(fn) {#fn, fn}

static inline int tap_run(const struct tap_case *cases, size_t n) {
    volatile int failures = 0;

    printf("1..%zu\n", n);
    fflush(stdout);
    for (volatile size_t i = 0; i < n; i++) {
        tap_failed_now = 0;
        tap_skip_reason = NULL;
        if (setjmp(tap_abort) == 0)
            cases[i].fn();
        if (tap_skip_reason && !tap_failed_now)
            printf("ok %zu - %s # SKIP %s\n", i + 1, cases[i].name, tap_skip_reason);
        else
            printf("%s %zu - %s\n", tap_failed_now ? "not ok" : "ok", i + 1, cases[i].name);
        fflush(stdout);
        failures += tap_failed_now;
    }
    return failures ? 1 : 0;
}

#define TAP_MAIN(...)                                                             \
    int main(void) {                                                              \
        static const struct tap_case tap_cases_[] = {__VA_ARGS__};                \
        return tap_run(tap_cases_, sizeof(tap_cases_) / sizeof(tap_cases_[0]));   \
    }

#endif
