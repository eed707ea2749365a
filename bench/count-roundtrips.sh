#!/usr/bin/env bash
# Counts the request/response turns of one TCP conversation: runs a socat
# relay on RELAY_PORT to 127.0.0.1:SERVER_PORT with -x -v, runs the command
# (which must connect to the relay), and prints "round_trips=N one_way=M":
# N client→server runs answered by the server, M trailing runs with no answer.
#     count-roundtrips.sh RELAY_PORT SERVER_PORT CMD ARGS…
set -u
relay=$1 target=$2; shift 2
log=$(mktemp)
socat -x -v "TCP-LISTEN:$relay,bind=127.0.0.1,reuseaddr" "TCP:127.0.0.1:$target" 2>"$log" &
sp=$!
for _ in $(seq 50); do ss -Hltn "sport = :$relay" | grep -q . && break; sleep 0.05; done
"$@" >/dev/null
sleep 0.3
kill "$sp" 2>/dev/null
wait "$sp" 2>/dev/null
grep -E '^[<>] ' "$log" | awk '{print $1}' | uniq | tr -d '\n' |
    awk '{n=gsub(/></,"");m=gsub(/>/,""); print "round_trips=" n " one_way=" m}'
rm -f "$log"
