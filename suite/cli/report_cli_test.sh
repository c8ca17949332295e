#!/usr/bin/env bash
# essconf run with several targets and shards, and essconf report: the files
# they write, and a clear message with exit 2 for every bad input.
# Usage: report_cli_test.sh ESSCONF
set -uo pipefail
essconf=$1
source "$(dirname "$0")/test_lib.sh"

# expect_2 NAME PATTERN ARGS...: essconf ARGS exits 2 and says PATTERN on stderr.
expect_2() {
  local name=$1 pattern=$2
  shift 2
  "$essconf" "$@" >"$tmp/out.txt" 2>"$tmp/err.txt"
  local rc=$?
  [[ $rc == 2 ]] && grep -q -- "$pattern" "$tmp/err.txt" && ok "$name" || not_ok "$name" "rc $rc: $(head -c 300 "$tmp/err.txt")"
}

run_fast=(run --property-runs 0 --filter 'capacity.*')

"$essconf" "${run_fast[@]}" --target a=reference --target b=reference --out "$tmp/two" --junit "$tmp/junit.xml" >"$tmp/two.txt" 2>&1
rc=$?
[[ $rc == 0 && -s $tmp/two/a/results.json && -s $tmp/two/b/results.json && -s $tmp/junit-a.xml && -s $tmp/junit-b.xml ]] &&
  grep -q '^== target b ==$' "$tmp/two.txt" && ok "two targets: a results folder and a JUnit file each" ||
  not_ok "two targets: a results folder and a JUnit file each" "rc $rc: $(ls -R "$tmp/two" | head -5)"
grep -q '"label":"a"' "$tmp/two/a/results.json" && ok "results.json names its target's label" || not_ok "results.json names its target's label" ""

"$essconf" report "$tmp/two" --html "$tmp/two.html" --markdown "$tmp/two.md" --verdicts "$tmp/two.tsv"
rc=$?
cases=$(grep -c $'\tcase\t' "$tmp/two.tsv")
[[ $rc == 0 && -s $tmp/two.html && $cases -gt 10 ]] && grep -q '^| a | ✅ conformant |' "$tmp/two.md" &&
  ok "a folder of two targets makes a two-column report" || not_ok "a folder of two targets makes a two-column report" "rc $rc, $cases lines"
[[ $(cut -f1 "$tmp/two.tsv" | sort -u | tr '\n' ' ') == "a b " ]] && ok "verdict lines name both targets" ||
  not_ok "verdict lines name both targets" "$(cut -f1 "$tmp/two.tsv" | sort -u | tr '\n' ' ')"

# Slices merge into the verdicts of the whole.
"$essconf" "${run_fast[@]}" --target v=reference --shard 1/2 --out "$tmp/s1" >/dev/null 2>&1
"$essconf" "${run_fast[@]}" --target v=reference --shard 2/2 --out "$tmp/s2" >/dev/null 2>&1
"$essconf" "${run_fast[@]}" --target v=reference --out "$tmp/whole" >/dev/null 2>&1
"$essconf" report "$tmp/s2/results.json" "$tmp/s1/results.json" --verdicts "$tmp/sliced.tsv" &&
  "$essconf" report "$tmp/whole" --verdicts "$tmp/whole.tsv" &&
  diff "$tmp/sliced.tsv" "$tmp/whole.tsv" >/dev/null && grep -q '"shard":"2/2"' "$tmp/s2/results.json" &&
  ok "two slices merge into the verdicts of the whole run" ||
  not_ok "two slices merge into the verdicts of the whole run" "$(diff "$tmp/sliced.tsv" "$tmp/whole.tsv" 2>&1 | head -3)"

expect_2 "a slice given twice does not merge" "both hold case" report "$tmp/s1/results.json" "$tmp/s1/results.json"
expect_2 "a missing file" "nothing.json: cannot read the file" report "$tmp/nothing.json"
printf '{"schema":"essconf-results/1"' >"$tmp/cut.json"
expect_2 "a cut document" 'cut.json: \$: not valid JSON' report "$tmp/cut.json"
printf '{"schema":"essconf-results/1","spec_revision":"r"}' >"$tmp/thin.json"
expect_2 "a document without its fields names the path" 'thin.json: \$.target: required field is missing' report "$tmp/thin.json"
mkdir -p "$tmp/empty"
expect_2 "a folder without results" "a folder without results.json" report "$tmp/empty"
expect_2 "an unwritable output" "cannot write" report "$tmp/whole" --html /proc/report.html
expect_2 "report needs an input" "results is required" report
expect_2 "two targets with one label" 'two targets are labelled "x"' "${run_fast[@]}" --target x=reference --target x=http://127.0.0.1:1
expect_2 "a label with a slash" "a label is 1 to 64" "${run_fast[@]}" --target 'a/b=reference'
expect_2 "--fixture-url with two targets" "takes one target\|each serves its own" "${run_fast[@]}" --target reference --target v=http://127.0.0.1:1 --fixture-url http://127.0.0.1:2
# Bad input to essconf run: one line naming the file and the problem, exit 2.
mkdir -p "$tmp/cases"
sed 's/"capacity.min-size"/"capacity.no-such-clause"/' "$(dirname "$0")/../../fixtures/cases/behaviour/capacity.min-size.missed-by-one.json" \
  >"$tmp/cases/unknown-clause.json"
expect_2 "a case citing an unknown clause" 'unknown-clause.json: $.clauses\[0\]: unknown clause "capacity.no-such-clause"' \
  run --cases "$tmp/cases" --property-runs 0
printf '{"entries":[{"case":"x"' >"$tmp/baseline.json"
expect_2 "a baseline that is not JSON" "baseline.json" "${run_fast[@]}" --baseline "$tmp/baseline.json"
expect_2 "a target URL essconf cannot serve" 'ftp://x' "${run_fast[@]}" --target ftp://x
expect_2 "an unknown flag" "no-such-flag" run --no-such-flag
finish
