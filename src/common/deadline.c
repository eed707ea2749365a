#include "common/deadline.h"

#include <limits.h>
#include <time.h>

#include "common/settings.h"

static _Thread_local int64_t scope_deadline = INT64_MAX;
static _Thread_local unsigned scope_depth;

int64_t deadline_now_ms(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int deadline_timeout_ms(void) {
    uint64_t ms;

    (void) setting_duration_ms(SETTING_TIMEOUT, &ms); /* malformed: the default (common/settings.h) */
    return (int) ms;
}

void deadline_scope_begin(void) {
    if (scope_depth++ > 0)
        return; /* inside a call already: its deadline stands */
    scope_deadline = deadline_now_ms() + deadline_timeout_ms();
}

void deadline_scope_end(void) {
    if (scope_depth > 0 && --scope_depth == 0)
        scope_deadline = INT64_MAX;
}

int64_t deadline_scope(void) {
    return scope_deadline;
}

int64_t deadline_for(int timeout_ms) {
    int64_t d = timeout_ms > 0 ? deadline_now_ms() + timeout_ms : INT64_MAX;

    return d < scope_deadline ? d : scope_deadline;
}

int deadline_left_ms(int64_t d) {
    int64_t left;

    if (d == INT64_MAX)
        return INT_MAX;
    left = d - deadline_now_ms();
    return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int) left;
}
