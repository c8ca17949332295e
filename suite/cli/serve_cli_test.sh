#!/usr/bin/env bash
# essconf serve through the real binary and real sockets: exit statuses,
# signals, the log, and linearizable concurrent calls over HTTP.
# Usage: serve_cli_test.sh ESSCONF WORLD_DIR
set -uo pipefail
essconf=$1
worlds=$2
source "$(dirname "$0")/test_lib.sh"
start() { start_server "$@"; }

api() { curl -sS --max-time 5 "http://127.0.0.1:$port/?Action=RemoveInstances&Version=2014-08-28&$1"; }

# ---- exit statuses for bad input
"$essconf" serve --fault no-such-fault >/dev/null 2>"$tmp/e1"; rc=$?
check "unknown fault exits 2" $([[ $rc == 2 ]] && grep -q 'unknown fault "no-such-fault"' "$tmp/e1"; echo $?) "(rc $rc)"
"$essconf" serve --world "$worlds/invalid-min-above-max.json" >/dev/null 2>"$tmp/e2"; rc=$?
check "invalid World exits 2 naming the file and JSON path" \
  $([[ $rc == 2 ]] && grep -q 'invalid-min-above-max.json: \$.ScalingGroups\[0\].MinSize: ' "$tmp/e2"; echo $?) "(rc $rc: $(cat "$tmp/e2"))"
"$essconf" serve --world "$tmp/missing.json" >/dev/null 2>"$tmp/e3"; rc=$?
check "unreadable World exits 2" $([[ $rc == 2 ]] && grep -q 'cannot read' "$tmp/e3"; echo $?) "(rc $rc)"
"$essconf" serve --listen nonsense >/dev/null 2>"$tmp/e4"; rc=$?
check "bad --listen exits 2" $([[ $rc == 2 ]]; echo $?) "(rc $rc)"
"$essconf" serve --threads 0 >/dev/null 2>&1; rc=$?
check "bad --threads exits 2" $([[ $rc == 2 ]]; echo $?) "(rc $rc)"
n=$("$essconf" serve --list-faults | wc -l)
check "--list-faults lists at least 15 faults" $([[ $n -ge 15 ]]; echo $?) "($n)"

# ---- a running server: port in use, log, signals
start main || exit 1
"$essconf" serve --listen "127.0.0.1:$port" >/dev/null 2>"$tmp/e5"; rc=$?
check "port in use exits 2 with the address" $([[ $rc == 2 ]] && grep -q "127.0.0.1:$port" "$tmp/e5"; echo $?) "(rc $rc: $(cat "$tmp/e5"))"
body=$(api "ScalingGroupId=asg-demo&InstanceId.1=i-demo-auto1")
check "demo World serves a success" $([[ $body == *'"ScalingActivityId":"asa-'* ]]; echo $?) "($body)"
api "ScalingGroupId=asg-nope&InstanceId.1=i-x" >/dev/null
sleep 0.2
check "one log line per request" $(grep -q '^GET RemoveInstances 200 - [0-9]*us$' "$tmp/main.err" &&
  grep -q '^GET RemoveInstances 404 InvalidScalingGroupId.NotFound [0-9]*us$' "$tmp/main.err"; echo $?) "($(cat "$tmp/main.err"))"
kill -TERM "$pid"; wait "$pid"; rc=$?
check "SIGTERM stops cleanly" $([[ $rc == 0 ]]; echo $?) "(rc $rc)"
start sigint || exit 1
kill -INT "$pid"; wait "$pid"; rc=$?
check "SIGINT stops cleanly" $([[ $rc == 0 ]]; echo $?) "(rc $rc)"

# ---- concurrency over HTTP: 16 parallel calls, each removing a different member
members=$(for i in $(seq 16); do printf '{"InstanceId":"i-%d","CreationType":"AutoCreated"},' "$i"; done)
ecs=$(for i in $(seq 16); do printf '{"InstanceId":"i-%d","Status":"Running"},' "$i"; done)
world() {  # world COMPLETION MINSIZE
  printf '{"ActivityCompletion":"%s","EcsInstances":[%s],"ScalingGroups":[{"ScalingGroupId":"g","LifecycleState":"Active","MinSize":%d,"MaxSize":20,"Instances":[%s]}]}' \
    "$1" "${ecs%,}" "$2" "${members%,}"
}
start conc --threads 4 || exit 1
for round in 1 2 3; do
  world Immediate 10 | curl -sS -X PUT --data-binary @- "http://127.0.0.1:$port/_conformance/v1/world" >/dev/null
  seq 16 | xargs -P 16 -I{} curl -sS --max-time 5 -o /dev/null -w '%{http_code}\n' \
    "http://127.0.0.1:$port/?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=g&InstanceId.1=i-{}" >"$tmp/codes"
  left=$(curl -sS "http://127.0.0.1:$port/_conformance/v1/world" | grep -o '"CreationType"' | wc -l)
  ok=$(grep -c '^200$' "$tmp/codes")
  check "round $round: 16 parallel calls leave exactly MinSize 10 members (6 accepted)" \
    $([[ $left == 10 && $ok == 6 ]]; echo $?) "(left $left, accepted $ok)"
  world Manual 0 | curl -sS -X PUT --data-binary @- "http://127.0.0.1:$port/_conformance/v1/world" >/dev/null
  seq 16 | xargs -P 16 -I{} curl -sS --max-time 5 -o /dev/null -w '%{http_code}\n' \
    "http://127.0.0.1:$port/?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=g&InstanceId.1=i-{}" >"$tmp/codes"
  ok=$(grep -c '^200$' "$tmp/codes")
  running=$(curl -sS "http://127.0.0.1:$port/_conformance/v1/world" | grep -o '"InProgress"' | wc -l)
  check "round $round: under Manual completion exactly one of 16 parallel calls starts an activity" \
    $([[ $ok == 1 && $running == 1 ]]; echo $?) "(accepted $ok, in progress $running)"
done

finish
