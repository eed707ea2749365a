#!/usr/bin/env bash
# Listing N sessions of a Windows RD Session Host over MS-TSTS — against the
# MS-TSTS TEST DOUBLE (tests/tsts/tsts_double.py; no Windows server here):
# round trips on a warm connection (bench/tsts-list.c) and the whole-process
# time of `wtsnet -s rdsh://… list`. Needs python3-impacket (scripts/deps/tsts.list).
#     bash bench/tsts-list.sh [BUILD_DIR (build)] [N (50)] [RUNS (10)]
set -eu
build=${1:-build} n=${2:-50} runs=${3:-10} port=14558
dir=$(mktemp -d /tmp/wtsnet-tsts-bench-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
/usr/bin/python3 - "$n" >"$dir/table.json" <<'PY'
import json, sys
n = int(sys.argv[1])
s = [{"id": 0, "state": 4, "name": "Services"}]
for i in range(1, n):
    s.append({"id": i, "state": 0, "name": "RDP-Tcp#%d" % i, "user": "user%d" % i, "domain": "CORP",
              "client": "PC%d" % i, "address": "192.0.2.%d" % (i % 250 + 1)})
print(json.dumps({"sessions": s}))
PY
: >"$dir/record"
printf 'username = bench\npassword = Bench-Pa55\n' >"$dir/creds"
chmod 600 "$dir/creds"
/usr/bin/python3 tests/tsts/tsts_double.py --port $port --user bench --password Bench-Pa55 \
    --table "$dir/table.json" --record "$dir/record" --ready "$dir/ready" >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$dir/ready" ] && ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.1; done
# The double takes no authenticated DCE/RPC bind (TSTS binds at privacy by default).
export WTSNET_CREDENTIALS_FILE="$dir/creds" WTSNET_RPC_PROTECTION=none
"$build/bench/tsts-list" "rdsh://127.0.0.1:$port"
TIMEFORMAT=%R
total=0
for _ in $(seq "$runs"); do
    t=$( { time "$build/tools/wtsnet" -s "rdsh://127.0.0.1:$port" list >/dev/null; } 2>&1 )
    total=$(echo "$total + $t" | bc -l)
done
echo "wtsnet -s rdsh://… list ($n sessions, whole process, cold): mean $(echo "scale=3; $total / $runs" | bc -l) s over $runs runs"
