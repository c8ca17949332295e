#!/usr/bin/env bash
# The committed sample report (reports/sample/) is current: it is what
# essconf report makes of the committed results, and those give the verdicts
# a run gives now (timings, ports and nonces differ from run to run; verdicts
# may not). And it shows what a report is for: the reference passes everything;
# each fault server fails, at least once, under its clause and no other.
# Usage: sample_test.sh ESSCONF SOURCE-DIR
set -uo pipefail
essconf=$1
root=$2
sample=$root/reports/sample
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }
stale="reports/sample is stale: run scripts/sample-reports and commit reports/sample"

"$essconf" report "$sample" --html "$tmp/report.html" --markdown "$tmp/report.md" --verdicts "$tmp/verdicts.tsv"
for f in report.html report.md verdicts.tsv; do
  cmp -s "$sample/$f" "$tmp/$f" && ok "$f is what essconf report makes of the committed results" ||
    not_ok "$f is what essconf report makes of the committed results" "$stale"
done

SAMPLE_SELFTEST=skip "$root/scripts/sample-reports" "$tmp/fresh" "$essconf" >/dev/null
if diff "$sample/verdicts.tsv" "$tmp/fresh/verdicts.tsv" >"$tmp/verdicts.diff"; then
  ok "a fresh run gives the committed verdicts"
else
  not_ok "a fresh run gives the committed verdicts" "$stale; $(head -6 "$tmp/verdicts.diff")"
fi

v=$tmp/fresh/verdicts.tsv
n=$(awk -F'\t' '$1 == "reference" && $4 != "pass"' "$v" | wc -l)
total=$(awk -F'\t' '$1 == "reference"' "$v" | wc -l)
[[ $n == 0 && $total -gt 200 ]] && ok "the reference passes all $total cases and properties" ||
  not_ok "the reference passes every case and property" "$n of $total do not pass"
while IFS='=' read -r fault clause; do
  wrong=$(awk -F'\t' -v t="$fault" -v c="$clause" '$1 == t && $4 != "pass" && $5 != c' "$v")
  caught=$(awk -F'\t' -v t="$fault" -v c="$clause" '$1 == t && $4 == "fail" && $5 == c' "$v" | wc -l)
  [[ -z $wrong && $caught -gt 0 ]] && ok "$fault fails $caught times, only under $clause" ||
    not_ok "$fault fails only under $clause" "caught $caught; other: $(head -3 <<<"$wrong")"
  grep -q "<th>$fault</th>" "$sample/report.html" && ok "the report has a column for $fault" ||
    not_ok "the report has a column for $fault" ""
done <"$tmp/fresh/faults.txt"

# The self-test in the sample counts every fault and reading there is now, each as required.
faults=$("$essconf" serve --list-faults | wc -l)
readings=$("$essconf" serve --list-readings | wc -l)
s=$sample/selftest/selftest.json
if grep -q "\"faults\":$faults,\"faults_caught_under_their_clause\":$faults,\"readings\":$readings,\"readings_passed\":$readings," "$s" 2>/dev/null; then
  ok "the sample's self-test caught all $faults faults and passed all $readings readings"
else
  not_ok "the sample's self-test counts every fault and reading, each as required" "$stale; $(head -c 300 "$s" 2>&1)"
fi
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
