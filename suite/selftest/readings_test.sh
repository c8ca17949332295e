#!/usr/bin/env bash
# The mirror of run_faults_test.sh: essconf run, with default settings, exits 0
# against essconf serve under each reading alone and under random
# combinations of them (a seeded shuffle, printed so a failure can be rerun).
# Usage: readings_test.sh ESSCONF [COMBINATIONS] [SEED]
set -uo pipefail
essconf=$1 combos=${2:-6} seed=${3:-$RANDOM}
source "$(dirname "$0")/../cli/test_lib.sh"

mapfile -t readings < <("$essconf" serve --list-readings | awk '{print $1}')
((${#readings[@]} >= 20)) || { echo "only ${#readings[@]} readings listed"; exit 1; }

# one LABEL READING...: a server with these readings, one default run against it.
one() {
  local label=$1
  shift
  local args=()
  for r in "$@"; do args+=(--reading "$r"); done
  start_server "$label" "${args[@]}" || { not_ok "$label: the server starts" ""; return; }
  "$essconf" run --target "http://127.0.0.1:$port" --property-runs 300 --seed "$seed" --out "$tmp/$label" \
    >"$tmp/$label.txt" 2>&1
  local rc=$?
  stop_server
  if [[ $rc == 0 ]]; then ok "$label: exit 0"; else not_ok "$label" "exit $rc; $(grep -E '^(FAIL|ERROR|fail|error)' "$tmp/$label.txt" | head -6)"; fi
}

echo "# seed $seed"
for r in "${readings[@]}"; do one "$r" "$r"; done
RANDOM=$seed
for i in $(seq "$combos"); do
  picked=()
  for r in "${readings[@]}"; do ((RANDOM % 3 == 0)) && picked+=("$r"); done
  # duplicate-first-wins and -last-wins exclude each other: keep one.
  [[ " ${picked[*]} " == *" duplicate-last-wins "* ]] && picked=("${picked[@]/duplicate-first-wins/}")
  one "combination-$i" ${picked[@]}
done
ledger=$(dirname "$0")/../../docs/ambiguities.md
missing=$(for r in "${readings[@]}"; do grep -q "\`$r\`" "$ledger" || echo "$r"; done)
[[ -z $missing ]] && ok "docs/ambiguities.md names every reading" || not_ok "docs/ambiguities.md names every reading" "$missing"
"$essconf" serve --reading no-such-reading >/dev/null 2>"$tmp/bad.err"; rc=$?
[[ $rc == 2 ]] && grep -q 'unknown reading "no-such-reading"' "$tmp/bad.err" && ok "an unknown reading exits 2" ||
  not_ok "an unknown reading exits 2" "rc $rc"
finish
