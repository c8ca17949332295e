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
grep -q "\"faults_caught_under_their_clause\":$faults" "$tmp/all/selftest.json" && [[ -f $tmp/all/runs/fault-ignore-db/results.json ]] &&
  ok "selftest.json and each run's results are written" || not_ok "selftest.json and each run's results are written" "$(head -c 300 "$tmp/all/selftest.json")"

"$essconf" run --property-runs 0 --out "$tmp/vendor" >/dev/null 2>&1
if "$essconf" report "$tmp/vendor" "$tmp/all" --markdown "$tmp/report.md" --html "$tmp/report.html" >"$tmp/report.txt" 2>&1 &&
   grep -q "faults caught under their own clause \*\*$faults of $faults\*\*; readings passed \*\*$readings of $readings\*\*" "$tmp/report.md" &&
   grep -q "faults caught under their own clause: $faults of $faults" "$tmp/report.html" &&
   [[ $(grep -c '^| reference' "$tmp/report.md") == 1 ]]; then
  ok "essconf report shows the selftest beside the targets, and not its runs as targets"
else
  not_ok "essconf report shows the selftest beside the targets, and not its runs as targets" "$(cat "$tmp/report.txt"; head -12 "$tmp/report.md")"
fi
mkdir -p "$tmp/broken" && echo '{"format":"essconf-selftest/1","faults":"many"}' >"$tmp/broken/selftest.json"
"$essconf" report "$tmp/vendor" "$tmp/broken" --markdown "$tmp/broken.md" >"$tmp/broken.txt" 2>&1; rc=$?
[[ $rc == 2 ]] && grep -q 'selftest.json: \$.faults: expected a number in range' "$tmp/broken.txt" && ok "a broken selftest.json exits 2 naming the problem" ||
  not_ok "a broken selftest.json exits 2 naming the problem" "rc $rc: $(cat "$tmp/broken.txt")"

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
