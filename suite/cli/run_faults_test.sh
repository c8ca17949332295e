#!/usr/bin/env bash
# The suite proves itself both ways: essconf run passes the reference server,
# and fails each self-test fault server (exit 1) with a failing case under the
# clause the fault breaks. racy-min-size needs concurrent calls (the property
# phase's linearizability check), so here it is only required to run.
# Usage: run_faults_test.sh ESSCONF
set -uo pipefail
essconf=$1
source "$(dirname "$0")/test_lib.sh"

"$essconf" run --property-runs 0 --out "$tmp/reference" --junit "$tmp/reference/junit.xml" >"$tmp/reference.txt" 2>&1
rc=$?
if [[ $rc == 0 ]] && grep -q ' 0 failed, 0 deviations, 0 not applicable, 0 errors' "$tmp/reference.txt"; then
  ok "the embedded reference passes every case"
else
  not_ok "the embedded reference passes every case" "rc $rc: $(tail -3 "$tmp/reference.txt")"
fi
grep -q '<testcase name="capacity.min-size.missed-by-one" classname="capacity.min-size"' "$tmp/reference/junit.xml" &&
  ok "JUnit names cases by id and clause" || not_ok "JUnit names cases by id and clause" "$(head -c 600 "$tmp/reference/junit.xml")"

"$essconf" run --property-runs 0 --target http://127.0.0.1:1 >"$tmp/unreachable.txt" 2>&1; rc=$?
[[ $rc == 2 ]] && grep -q 'fixture protocol is not usable' "$tmp/unreachable.txt" && ok "an unreachable target exits 2 saying so" ||
  not_ok "an unreachable target exits 2 saying so" "rc $rc: $(tail -2 "$tmp/unreachable.txt")"

verdicts() { grep -o '"id":"[^"]*","clauses":\[[^]]*\],"description":"[^"]*","file":"[^"]*","verdict":"[^"]*"' "$1" | sed 's/"clauses".*"verdict"/"verdict"/' | sort; }

while read -r fault clause _; do
  start_server "$fault" --fault "$fault" || { not_ok "$fault: the server starts" ""; continue; }
  "$essconf" run --property-runs 0 --target "http://127.0.0.1:$port" --out "$tmp/$fault" >"$tmp/$fault.txt" 2>&1
  rc=$?
  if [[ $fault == remove-extra ]]; then
    # Cases are independent: a shuffled run gives every case the same verdict.
    "$essconf" run --property-runs 0 --target "http://127.0.0.1:$port" --shuffle --seed 7 --out "$tmp/shuffled" >/dev/null 2>&1
    n=$(verdicts "$tmp/$fault/results.json" | grep -c '"verdict":"fail"')
    if [[ $n -gt 10 ]] && diff <(verdicts "$tmp/$fault/results.json") <(verdicts "$tmp/shuffled/results.json") >/dev/null; then
      ok "a shuffled run gives the same verdicts"
    else
      not_ok "a shuffled run gives the same verdicts" "$(diff <(verdicts "$tmp/$fault/results.json") <(verdicts "$tmp/shuffled/results.json") | head -5)"
    fi
  fi
  if [[ $fault == ignore-db ]]; then
    # A baseline excuses exactly the known failures; expired, it excuses nothing.
    printf '{"entries":[{"case":"error.db-instance-status.*","reason":"known","expires":"2099-01-01"}]}' >"$tmp/bl.json"
    printf '{"entries":[{"case":"error.db-instance-status.*","reason":"known","expires":"2020-01-01"}]}' >"$tmp/old.json"
    "$essconf" run --property-runs 0 --target "http://127.0.0.1:$port" --baseline "$tmp/bl.json" >/dev/null 2>&1; brc=$?
    "$essconf" run --property-runs 0 --target "http://127.0.0.1:$port" --baseline "$tmp/old.json" >/dev/null 2>&1; orc=$?
    [[ $brc == 0 && $orc == 1 ]] && ok "a baseline excuses known failures until it expires" ||
      not_ok "a baseline excuses known failures until it expires" "rc $brc with it, $orc expired"
  fi
  stop_server
  if [[ $fault == racy-min-size ]]; then
    [[ $rc == 0 || $rc == 1 ]] && ok "$fault: the run completes" || not_ok "$fault: the run completes" "rc $rc"
    continue
  fi
  # A failing case whose verdict names the fault's clause.
  if [[ $rc == 1 ]] && grep -q "\"verdict\":\"fail\",\"baseline\":null,\"verdict_clauses\":\[[^]]*\"$clause\"" "$tmp/$fault/results.json"; then
    ok "$fault is caught under $clause"
  else
    not_ok "$fault is caught under $clause" "rc $rc; $(tail -1 "$tmp/$fault.txt")"
  fi
done < <("$essconf" serve --list-faults)

finish
