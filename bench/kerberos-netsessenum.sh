#!/usr/bin/env bash
# The issue-12 benchmark: NetSessionEnum level 10 over Kerberos as a whole
# process (bench/netsessenum, the caller's ticket) against
# `rpcclient --use-kerberos=required -c netsessenum`, both against the same
# Samba AD DC (NTLM disabled on it) in the lab of tests/lib/kdc-env.sh, RUNS
# times each (median and mean in ms), then the round trips of each counted
# on the wire through a socat relay in the lab (as bench/count-roundtrips.sh).
# Run as root from the source tree after `ninja -C build`:
#     bash bench/kerberos-netsessenum.sh [BUILD] [RUNS]
set -u
cd "$(dirname "$0")/.."
build=${1:-build} runs=${2:-20}
relay=14505 # inside the lab's own network namespace
. tests/lib/kdc-env.sh
trap kdc_stop EXIT
kdc_start || { echo "the DC did not start" >&2; exit 1; }
cc=$KDC_LAB/cc/admin
kdc_kinit "$cc" "$KDC_ADMIN" "$KDC_ADMIN_PW" || exit 1
in_lab() { KRB5CCNAME=FILE:$cc kdc_run "$@"; }
wtsnet_cmd=("$PWD/$build/bench/netsessenum" "$KDC_NAME" 10)
rpc_cmd=(rpcclient --use-kerberos=required -s "$KDC_LAB/client.conf" -c netsessenum "$KDC_NAME")
in_lab "${wtsnet_cmd[@]}" | tail -n 1
in_lab "${rpc_cmd[@]}" | tail -n 1

# Whole-process wall time, RUNS times, then median and mean.
timing() { # LABEL CMD…
    local label=$1 t0 t1
    shift
    for _ in $(seq "$runs"); do
        t0=$(date +%s%N)
        in_lab "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000))
    done | sort -n | awk -v l="$label" '{ v[NR] = $1; s += $1 }
        END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
              printf "%-34s median %.1f ms  mean %.1f ms  (n=%d)\n", l, m / 1000, s / NR / 1000, NR }'
}
timing "wtsnet NetSessionEnum(10), krb5" "${wtsnet_cmd[@]}"
timing "rpcclient netsessenum, krb5" "${rpc_cmd[@]}"

# Round trips on the wire: a relay at the DC's address on another port, each
# client pointed at it by name (the Kerberos target stays cifs/dc1.wtslab.test).
count() { # LABEL CMD…
    local label=$1 log=$KDC_LAB/relay.log sp
    shift
    nsenter -t "$KDC_HOLDER" -n -m -u socat -x -v "TCP-LISTEN:$relay,bind=$KDC_IP,reuseaddr" "TCP:$KDC_IP:445" 2>"$log" &
    sp=$!
    for _ in $(seq 50); do in_lab ss -Hltn "sport = :$relay" | grep -q . && break; sleep 0.05; done
    in_lab "$@" >/dev/null 2>&1
    sleep 0.3
    kill "$sp" 2>/dev/null
    wait "$sp" 2>/dev/null
    printf '%-34s ' "$label"
    grep -E '^[<>] ' "$log" | awk '{print $1}' | uniq | tr -d '\n' |
        awk '{n=gsub(/></,"");m=gsub(/>/,""); print "round_trips=" n " one_way=" m}'
}
count "wire round trips, wtsnet:" "$PWD/$build/bench/netsessenum" "$KDC_NAME:$relay" 10
count "wire round trips, rpcclient:" rpcclient --use-kerberos=required -s "$KDC_LAB/client.conf" -p "$relay" \
    -c netsessenum "$KDC_NAME"
