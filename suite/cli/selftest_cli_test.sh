#!/usr/bin/env bash
# essconf selftest: the suite against every fault and reading of the embedded
# server; selftest.json counts faults caught under their own clause and
# readings passed, and the exit status says whether all were as required.
# Usage: selftest_cli_test.sh ESSCONF
set -uo pipefail
essconf=$1
source "$(dirname "$0")/test_lib.sh"

"$essconf" selftest --out "$tmp/all" --property-runs 50 >"$tmp/all.txt" 2>&1; rc=$?
faults=$("$essconf" serve --list-faults | wc -l)
readings=$("$essconf" serve --list-readings | wc -l)
[[ $rc == 0 ]] && ok "every fault caught, every reading passed (exit 0)" || not_ok "exit 0" "rc $rc; $(grep 'NOT OK' "$tmp/all.txt" | head -5)"
grep -q "^faults caught under their own clause: $faults of $faults$" "$tmp/all.txt" && ok "the summary counts $faults faults" ||
  not_ok "the summary counts $faults faults" "$(tail -4 "$tmp/all.txt")"
grep -q "^readings passed: $readings of $readings$" "$tmp/all.txt" && ok "the summary counts $readings readings" ||
  not_ok "the summary counts $readings readings" "$(tail -4 "$tmp/all.txt")"
grep -q "\"faults_caught_under_their_clause\":$faults" "$tmp/all/selftest.json" && [[ -f $tmp/all/fault-ignore-db/results.json ]] &&
  ok "selftest.json and each run's results are written" || not_ok "selftest.json and each run's results are written" "$(head -c 300 "$tmp/all/selftest.json")"

"$essconf" selftest --out "$tmp/one" --only ignore-db --only json-pretty --property-runs 20 >"$tmp/one.txt" 2>&1; rc=$?
[[ $rc == 0 ]] && grep -q "^faults caught under their own clause: 1 of 1$" "$tmp/one.txt" && ok "--only narrows the runs" ||
  not_ok "--only narrows the runs" "rc $rc"
"$essconf" selftest --out "$tmp/bad" --only no-such-thing >"$tmp/bad.txt" 2>&1; rc=$?
[[ $rc == 2 ]] && grep -q '"no-such-thing" is neither a fault nor a reading' "$tmp/bad.txt" && ok "an unknown name exits 2" ||
  not_ok "an unknown name exits 2" "rc $rc"
: >"$tmp/file"
"$essconf" selftest --out "$tmp/file/sub" --only ignore-db >"$tmp/unwritable.txt" 2>&1; rc=$?
[[ $rc == 2 ]] && ok "an unusable --out exits 2" || not_ok "an unusable --out exits 2" "rc $rc: $(cat "$tmp/unwritable.txt")"
finish
