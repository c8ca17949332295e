#!/usr/bin/env bash
# The property phase proves itself: every property passes against the
# reference with at least 1,000 generated cases, and the property phase alone
# (--skip-catalog) catches each self-test fault, racy-min-size through the
# linearizability check. Usage: run_properties_test.sh ESSCONF
set -uo pipefail
essconf=$1
tmp=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }

"$essconf" run --skip-catalog --property-runs 1000 --seed 1 --out "$tmp/reference" >"$tmp/reference.txt" 2>&1
rc=$?
if [[ $rc == 0 ]] && grep -q '3 properties: 3 passed, 0 failed' "$tmp/reference.txt" &&
   grep -q '"name":"property.differential","clause":"[^"]*","ran":true,"passed":true,"runs":1000' "$tmp/reference/results.json"; then
  ok "every property passes against the reference with 1000 generated cases"
else
  not_ok "every property passes against the reference with 1000 generated cases" "rc $rc: $(grep -E 'property|properties' "$tmp/reference.txt" | head -5)"
fi

while read -r fault clause _; do
  "$essconf" serve --listen 127.0.0.1:0 --threads 4 --fault "$fault" >"$tmp/serve.out" 2>/dev/null &
  pid=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's/^essconf serve: listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$tmp/serve.out")
    [[ -n $port ]] && break
    sleep 0.05
  done
  "$essconf" run --target "http://127.0.0.1:$port" --skip-catalog --property-runs 300 --seed 1 \
    --out "$tmp/$fault" >"$tmp/$fault.txt" 2>&1
  rc=$?
  kill $pid; wait $pid 2>/dev/null; pid=
  failing=$(grep -o '"name":"property\.[a-z]*","clause":"[^"]*","ran":true,"passed":false' "$tmp/$fault/results.json" |
            sed 's/"name":"\(property\.[a-z]*\)".*/\1/' | tr '\n' ' ')
  if [[ $rc == 1 && -n $failing ]]; then
    if [[ $fault == racy-min-size && $failing != *property.concurrency* ]]; then
      not_ok "$fault is caught by the linearizability check" "failing: $failing"
    else
      ok "$fault ($clause) is caught by: $failing"
    fi
  else
    not_ok "$fault ($clause) is caught by the property phase" "rc $rc; $(tail -1 "$tmp/$fault.txt")"
  fi
done < <("$essconf" serve --list-faults)

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
