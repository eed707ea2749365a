/* logind session files, read once and unquoted as sd-login does (src/session/logind_file.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session/logind_file.h"
#include "tap.h"

/* As logind 252 wrote it for an ssh session in the test namespace. */
static const char real_file[] = "# This is private data. Do not parse.\n"
                                "UID=1002\n"
                                "USER=wtsitbob\n"
                                "ACTIVE=1\n"
                                "IS_DISPLAY=0\n"
                                "STATE=active\n"
                                "REMOTE=1\n"
                                "TYPE=tty\n"
                                "ORIGINAL_TYPE=tty\n"
                                "CLASS=user\n"
                                "SCOPE=session-6.scope\n"
                                "FIFO=/run/systemd/sessions/6.ref\n"
                                "TTY=pts/0\n"
                                "REMOTE_HOST=127.0.0.2\n"
                                "SERVICE=sshd\n"
                                "POSITION=0\n"
                                "LEADER=124\n"
                                "REALTIME=1795323936955466\n"
                                "MONOTONIC=1035856329\n";

static void a_real_session_file_gives_every_field(void) {
    struct logind_file f;

    REQUIRE(logind_file_parse(real_file, strlen(real_file), &f) == 0);
    CHECK_EQ_U(f.count, 18);
    CHECK_STREQ(logind_file_get(&f, "USER"), "wtsitbob");
    CHECK_STREQ(logind_file_get(&f, "STATE"), "active");
    CHECK_STREQ(logind_file_get(&f, "REMOTE_HOST"), "127.0.0.2");
    CHECK_STREQ(logind_file_get(&f, "REALTIME"), "1795323936955466");
    CHECK_STREQ(logind_file_get(&f, "MONOTONIC"), "1035856329");
    CHECK(logind_file_get(&f, "SEAT") == NULL);
    CHECK(logind_file_get(&f, "# This is private data. Do not parse.") == NULL);
    logind_file_done(&f);
}

static void values_are_unquoted_by_env_file_rules(void) {
    static const char text[] = "A=\"x \\\"y\\\" \\q \\$\"\n"   /* A="x \"y\" \q \$"   */
                               "B='lit \\ eral'\n"          /* B='lit \ eral'      */
                               "C=  un\\ quoted  \t\n"      /* C=  un\ quoted      */
                               "D=a\"b c\"d\n"
                               "  E  =  spaced\n"
                               "F=joined\\\nline\n"
                               "G=\n";
    struct logind_file f;

    REQUIRE(logind_file_parse(text, strlen(text), &f) == 0);
    CHECK_STREQ(logind_file_get(&f, "A"), "x \"y\" \\q $");
    CHECK_STREQ(logind_file_get(&f, "B"), "lit \\ eral");
    CHECK_STREQ(logind_file_get(&f, "C"), "un quoted");
    CHECK_STREQ(logind_file_get(&f, "D"), "ab cd");
    CHECK_STREQ(logind_file_get(&f, "E"), "spaced");
    CHECK_STREQ(logind_file_get(&f, "F"), "joinedline");
    CHECK_STREQ(logind_file_get(&f, "G"), "");
    logind_file_done(&f);
}

static void comments_and_lines_without_equals_are_skipped(void) {
    static const char text[] = "# a comment \\\n still the comment=x\n;K=no\nnoequals\n\nK=v\nK2=w";
    struct logind_file f;

    REQUIRE(logind_file_parse(text, strlen(text), &f) == 0);
    CHECK_EQ_U(f.count, 2);
    CHECK_STREQ(logind_file_get(&f, "K"), "v");
    CHECK_STREQ(logind_file_get(&f, "K2"), "w"); /* no final newline */
    logind_file_done(&f);
}

static void a_later_assignment_wins(void) {
    static const char text[] = "STATE=opening\nSTATE=active\n";
    struct logind_file f;

    REQUIRE(logind_file_parse(text, strlen(text), &f) == 0);
    CHECK_EQ_U(f.count, 1);
    CHECK_STREQ(logind_file_get(&f, "STATE"), "active");
    logind_file_done(&f);
}

/* Every prefix of the input parses, and a field cut short keeps only what was there. */
static void every_truncation_parses_without_reading_past_the_end(void) {
    static const char text[] = "K=\"quoted \\\" value\"\nL='single'\nM=esc\\";
    size_t n = strlen(text);

    for (size_t len = 0; len <= n; len++) {
        struct logind_file f;
        char *copy = malloc(len ? len : 1); /* exact size: ASan sees any overread */

        REQUIRE(copy);
        memcpy(copy, text, len);
        CHECK(logind_file_parse(copy, len, &f) == 0);
        for (size_t i = 0; i < f.count; i++)
            CHECK(strlen(f.values[i]) <= len);
        if (len == n) {
            CHECK_STREQ(logind_file_get(&f, "K"), "quoted \" value");
            CHECK_STREQ(logind_file_get(&f, "L"), "single");
            CHECK_STREQ(logind_file_get(&f, "M"), "esc");
        }
        if (len == 8) /* K="quote */
            CHECK_STREQ(logind_file_get(&f, "K"), "quote");
        logind_file_done(&f);
        free(copy);
    }
}

static void an_oversized_file_is_refused_and_leaves_ret_alone(void) {
    struct logind_file f = {.count = 77};
    char *big = calloc(1, LOGIND_FILE_MAX_SIZE + 1);

    REQUIRE(big);
    memset(big, 'x', LOGIND_FILE_MAX_SIZE + 1);
    CHECK_EQ_I(logind_file_parse(big, LOGIND_FILE_MAX_SIZE + 1, &f), -EFBIG);
    CHECK_EQ_U(f.count, 77);
    free(big);
}

static void fields_beyond_the_cap_are_dropped(void) {
    char text[LOGIND_FILE_MAX_FIELDS * 16 + 64];
    size_t len = 0;
    struct logind_file f;

    for (unsigned i = 0; i < LOGIND_FILE_MAX_FIELDS + 5; i++)
        len += (size_t) snprintf(text + len, sizeof(text) - len, "K%u=%u\n", i, i);
    REQUIRE(logind_file_parse(text, len, &f) == 0);
    CHECK_EQ_U(f.count, LOGIND_FILE_MAX_FIELDS);
    CHECK_STREQ(logind_file_get(&f, "K0"), "0");
    CHECK(logind_file_get(&f, "K64") == NULL);
    logind_file_done(&f);
}

static void a_missing_or_malformed_session_is_no_session(void) {
    struct logind_file f = {.count = 77};

    CHECK_EQ_I(logind_file_read_session("c4294967295", &f), -ESRCH);
    CHECK_EQ_I(logind_file_read_session("../../etc/passwd", &f), -ESRCH);
    CHECK_EQ_I(logind_file_read_session("", &f), -ESRCH);
    CHECK_EQ_U(f.count, 77);
}

TAP_MAIN(CASE(a_real_session_file_gives_every_field), CASE(values_are_unquoted_by_env_file_rules),
         CASE(comments_and_lines_without_equals_are_skipped), CASE(a_later_assignment_wins),
         CASE(every_truncation_parses_without_reading_past_the_end),
         CASE(an_oversized_file_is_refused_and_leaves_ret_alone), CASE(fields_beyond_the_cap_are_dropped),
         CASE(a_missing_or_malformed_session_is_no_session))
