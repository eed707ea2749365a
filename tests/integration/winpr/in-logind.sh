# shellcheck shell=bash
# shellcheck disable=SC2154 # test_env and clients come from 30-logind.sh, which sources this
# WinPR with wtsnet as its WTS API provider (issue 16), in the logind
# namespace tests/suites/30-logind.sh has booted: sourced by that suite, which
# then calls winpr_suite. Makes three real sessions — an ssh login, and two
# `su -l` logins, one of a user whose name is not ASCII — and runs
# test-winpr-provider (linked against libwinpr2 only) on them with
# WTSAPI_LIBRARY naming the module. Needs: ns.sh's NS_* and ns_run, and the
# suite's ssh_login, clients, test_env, bin.

# "wtsité𝄞": é (U+00E9) and 𝄞 (U+1D11E, a surrogate pair in UTF-16). useradd
# wants --badname for it. Made if missing and removed at the end, under the
# fixtures lock ns.sh holds (like its wtsit users).
WINPR_USER=$'wtsit\xc3\xa9\xf0\x9d\x84\x9e'

winpr_result() { # ok|fail|skip, text: one case, counted as it ends (tests/lib/tap.sh, sourced by the suite)
    case $1 in
    ok) tap_ok "$VARIANT/winpr" "$2" ;;
    skip) tap_skip "$VARIANT/winpr" setup "$2" ;;
    *) tap_fail "$VARIANT/winpr" "$2" ;;
    esac
}

winpr_session_of() { # user, PAM service: the logind id of its live session, once it is there
    local id
    for _ in $(seq 150); do
        for id in $(ns_run loginctl list-sessions --no-legend 2>/dev/null | awk -v u="$1" '$3 == u {print $1}'); do
            case "$(ns_run loginctl show-session "$id" -p Service -p State --value 2>/dev/null | tr '\n' ' ')" in
            "$2 active " | "$2 online ") echo "$id"; return 0 ;;
            esac
        done
        sleep 0.1
    done
    return 1
}

winpr_wts_id() { # logind id → wtsnet's session id (docs/api.md: "c<N>" is 0x80000000 | N)
    case $1 in
    c*) echo $((0x80000000 | ${1#c})) ;;
    *) echo "$1" ;;
    esac
}

winpr_su() { # user: a `su -l` session that lasts until logged off
    ns_run su -l "$1" -c 'exec sleep 600' </dev/null >/dev/null 2>&1 &
    clients+=($!)
}

winpr_suite() {
    local module=$BUILD/src/winpr/libwtsnet-winpr.so prog=$BUILD/tests/integration/winpr/test-winpr-provider
    local ssh_key su_key utf16_key ssh_id su_id utf16_id
    if [ ! -e "$module" ] || [ ! -x "$prog" ]; then
        # CI installs libwinpr2-dev (scripts/deps/winpr.list): there, a missing module is a failure.
        if [ "${CI:-}" = true ]; then
            winpr_result fail "libwtsnet-winpr.so was not built (is libwinpr2-dev installed?)"
        else
            winpr_result skip "libwtsnet-winpr.so not built (no libwinpr2-dev)"
        fi
        return 0
    fi
    if ! id -u "$WINPR_USER" >/dev/null 2>&1 && ! useradd --badname -m -s /bin/bash "$WINPR_USER"; then
        winpr_result fail "could not create the non-ASCII user"
        return 0
    fi
    ssh_login "${NS_USERS[0]}" 127.0.0.1
    winpr_su "$WINPR_USER"
    winpr_su "${NS_USERS[2]}"
    if ssh_key=$(winpr_session_of "${NS_USERS[0]}" sshd) && utf16_key=$(winpr_session_of "$WINPR_USER" su-l) &&
        su_key=$(winpr_session_of "${NS_USERS[2]}" su-l); then
        ssh_id=$(winpr_wts_id "$ssh_key") utf16_id=$(winpr_wts_id "$utf16_key") su_id=$(winpr_wts_id "$su_key")
        bash tests/lib/tap-count.sh "$VARIANT/winpr" nsenter -t "$NS_PID" -p -m -C -- \
            env WTSNET_PROVIDER=logind WTSAPI_LIBRARY="$(ns_path "$module")" "${test_env[@]}" \
            "$(ns_path "$prog")" --wtsnet "$(ns_path "$BUILD/tools/wtsnet")" --utf16 "$utf16_id" --logoff "$su_id" \
            "$ssh_id:${NS_USERS[0]}:127.0.0.1" "$utf16_id:$WINPR_USER" "$su_id:${NS_USERS[2]}" {NS_LOCK_FD}>&-
        ns_run loginctl terminate-session "$ssh_key" "$utf16_key" "$su_key" 2>/dev/null
    else
        winpr_result fail "the ssh and su logins did not appear"
        ns_run loginctl list-sessions --no-legend 2>&1 | while read -r id _; do
            echo "# $(ns_run loginctl show-session "$id" -p Id -p Name -p Service -p State 2>&1 | tr '\n' ' ')"
        done
    fi
    for p in "${clients[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    clients=()
    # Ours alone while the suite holds the fixtures lock: removed every time, a leftover too.
    ns_run loginctl terminate-user "$WINPR_USER" 2>/dev/null
    userdel -r -f "$WINPR_USER" >/dev/null 2>&1 || winpr_result fail "could not remove the non-ASCII user"
}
