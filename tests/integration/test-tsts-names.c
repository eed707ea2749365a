/*
 * The name probe's answer is remembered (docs/api.md, "Windows RD Session
 * Hosts", "The probe"): a second handle on the same plain name goes where the
 * first probe said, without probing again. Run by tests/suites/65-tsts.sh in
 * a network namespace of its own, with argv[1] the plain name (127.0.0.1
 * there). First nothing listens on its port 445: the probe's definite answer
 * is "not an RD Session Host" (ssh, where nothing answers either). Then the
 * suite starts the MS-TSTS TEST DOUBLE on 445 (TSTS_STEP1 says when to,
 * TSTS_GO says it did): a handle on the same name, or on \\name, still goes
 * to ssh, the remembered answer; once the memory is forgotten, the same name
 * reaches the double, which shows the double was there to be found.
 */
#include <wtsapi32.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/target.h"
#include "tap.h"

static const char *name, *go, *step1;

/* WTSEnumerateSessions on a new handle for n: TRUE, or FALSE and its error in *ret_err. */
static BOOL enumerate(const char *n, DWORD *ret_err) {
    HANDLE h = WTSOpenServerA((LPSTR) n);
    PWTS_SESSION_INFOA s = NULL;
    DWORD count = 0;
    BOOL ok = WTSEnumerateSessionsA(h, 0, 1, &s, &count);

    *ret_err = ok ? 0 : GetLastError();
    if (ok)
        WTSFreeMemory(s);
    WTSCloseServer(h);
    return ok;
}

static void the_second_open_uses_the_remembered_answer(void) {
    char unc[300];
    DWORD e1 = 0, e2 = 0, e3 = 0, e4 = 0;
    FILE *f;

    CHECK(!enumerate(name, &e1)); /* probed: nothing on 445, so ssh, where nothing answers */
    REQUIRE((f = fopen(step1, "w")) != NULL);
    fclose(f);
    for (int i = 0; i < 300 && access(go, F_OK) != 0; i++)
        usleep(100 * 1000); /* at most 30 s for the suite to start the double */
    REQUIRE(access(go, F_OK) == 0);
    CHECK(!enumerate(name, &e2)); /* the double answers now, but the answer was remembered */
    CHECK_EQ_U(e2, e1);
    snprintf(unc, sizeof(unc), "\\\\%s", name);
    CHECK(!enumerate(unc, &e3)); /* \\name is the same host:port */
    CHECK_EQ_U(e3, e1);
    server_target_probe_forget();
    CHECK(enumerate(name, &e4)); /* asked again: an RD Session Host */
    CHECK_EQ_U(e4, 0);
}

int main(int argc, char **argv) {
    name = argc > 1 ? argv[1] : NULL;
    go = getenv("TSTS_GO");
    step1 = getenv("TSTS_STEP1");
    if (!name || !go || !step1) {
        printf("1..0 # SKIP run by tests/suites/65-tsts.sh (a name, TSTS_GO, TSTS_STEP1)\n");
        return 0;
    }
    unsetenv("WTSNET_REMOTE"); /* auto: probe plain names */
    {
        static const struct tap_case cases[] = {CASE(the_second_open_uses_the_remembered_answer)};
        return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
    }
}
