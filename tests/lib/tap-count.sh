#!/usr/bin/env bash
# tap-count.sh NAME CMD…: runs one TAP-producing command (one case of a
# suite), echoes its output prefixed with [NAME], and appends its counts to
# $TAP_TOTALS as "passed failed skipped". It counts one failure more when
# the command
#   - cannot be run (missing, not executable),
#   - runs longer than TAP_TIMEOUT seconds (default 900): SIGTERM to its
#     process group, SIGKILL 10 s later; set TAP_TIMEOUT=… for one program,
#   - says "Bail out!", prints no plan, dies before its plan is complete or
#     reports more cases than planned,
#   - exits non-zero without reporting a failed case.
# Under CI=true a skipped case ("ok N - name # SKIP why") is a failure unless
# the skip allow-list (tests/skip-allowlist, or $TAP_SKIP_ALLOWLIST) has a
# line "<pattern> <reason>" whose pattern, a shell glob, matches
# "NAME:case name" (e.g. "*/test-foo:needs_a_tpm* no TPM in CI").
# With $TAP_RAN set, the test-* programs named in CMD are appended to it as
# "$VARIANT path" (run-all.sh checks that every built test program ran).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=$1
shift
limit=${TAP_TIMEOUT:-900}
allow=${TAP_SKIP_ALLOWLIST:-$here/../skip-allowlist}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if [ -n "${TAP_RAN:-}" ]; then
    for a; do
        case ${a##*/} in test-*) echo "${VARIANT:-} $a" >>"$TAP_RAN" ;; esac
    done
fi

start=$SECONDS
if ! command -v -- "$1" >/dev/null 2>&1; then
    echo "$1: not found or not executable" >"$out"
    status=127
else
    timeout --kill-after=10 "$limit" "$@" >"$out" 2>&1
    status=$?
fi
took=$((SECONDS - start))
sed "s|^|[$name] |" "$out"

allowed_reason() { # KEY: prints the allow-list's reason for a skip, if listed
    local pattern reason
    [ -f "$allow" ] || return 1
    while read -r pattern reason; do
        [[ -z "$pattern" || "$pattern" == \#* || -z "$reason" ]] && continue
        # shellcheck disable=SC2053 # the pattern is a glob on purpose
        if [[ "$1" == $pattern ]]; then
            printf '%s\n' "$reason"
            return 0
        fi
    done <"$allow"
    return 1
}

plan="" passed=0 failed=0 skipped=0 seen=0 bail=0 skips=()
while IFS= read -r line || [ -n "$line" ]; do
    case $line in
    1..[0-9]*)
        if [ -z "$plan" ]; then
            plan=${line#1..}
            plan=${plan%%[!0-9]*}
            # "1..0 # SKIP why": the whole program skipped, one skip to account for.
            if [ "$plan" = 0 ] && [[ "$line" =~ \#[[:space:]]*[Ss][Kk][Ii][Pp][[:space:]]*(.*)$ ]]; then
                skips+=("(all cases)|${BASH_REMATCH[1]}")
            fi
        fi
        ;;
    "not ok"*)
        seen=$((seen + 1)) failed=$((failed + 1))
        ;;
    "ok" | "ok "*)
        seen=$((seen + 1))
        if [[ "$line" =~ ^ok[[:space:]]*[0-9]*[[:space:]]*-?[[:space:]]*(.*[^[:space:]])[[:space:]]*\#[[:space:]]*[Ss][Kk][Ii][Pp]([[:space:]]+(.*))?$ ]]; then
            skips+=("${BASH_REMATCH[1]}|${BASH_REMATCH[3]}")
        elif [[ "$line" =~ \#[[:space:]]*[Ss][Kk][Ii][Pp] ]]; then
            skips+=("?|$line")
        else
            passed=$((passed + 1))
        fi
        ;;
    "Bail out!"*)
        bail=1
        ;;
    esac
done <"$out"

for s in "${skips[@]}"; do
    case_name=${s%%|*} why=${s#*|}
    if reason=$(allowed_reason "$name:$case_name"); then
        echo "[$name] # skip of '$case_name' is allowed: $reason"
        skipped=$((skipped + 1))
    elif [ "${CI:-}" = true ]; then
        echo "[$name] not ok - '$case_name' was skipped ($why) under CI=true, and ${allow##*/} does not list '$name:$case_name'"
        failed=$((failed + 1))
    else
        skipped=$((skipped + 1))
    fi
done

if [ "$status" -eq 124 ] || { [ "$status" -eq 137 ] && [ "$took" -ge "$limit" ]; }; then
    echo "[$name] not ok - timed out after ${limit} s (TAP_TIMEOUT), ran ${seen} of ${plan:-?} cases"
    failed=$((failed + 1))
elif [ "$bail" -eq 1 ]; then
    echo "[$name] not ok - bailed out after ${seen} of ${plan:-?} cases, exit status $status"
    failed=$((failed + 1))
elif [ -z "$plan" ] || [ "$seen" -ne "$plan" ]; then
    echo "[$name] not ok - ran ${seen} of ${plan:-?} cases, exit status $status"
    failed=$((failed + 1))
elif [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "[$name] not ok - exit status $status without a failed case"
    failed=$((failed + 1))
fi
echo "$passed $failed $skipped" >>"$TAP_TOTALS"
