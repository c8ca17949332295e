#!/usr/bin/env bash
# essconf fuzz --jobs 2 against the reference (which lists isolated_worlds):
# each job runs its cases on its own World, so a 6-second campaign of two jobs
# on one server finds nothing (jobs sharing the default World would each see
# the other's calls as wrong answers), and both Worlds were used. Against a
# target without isolated_worlds (the independent simulator in ../shared/,
# when present) it runs one job and says so.
# Usage: fuzz_jobs_test.sh ESSCONF [SIMULATOR] (the fuzz build's essconf)
set -uo pipefail
essconf=$1
sim=${2:-}
source "$(dirname "$0")/../cli/test_lib.sh"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
cd "$tmp" || exit 1  # libFuzzer writes crash and timeout inputs to the working directory

start_server jobs --threads 2 || { not_ok "essconf serve starts" ""; finish; }
"$essconf" fuzz --target "http://127.0.0.1:$port" --jobs 2 --time 6s --seed 3 --corpus "$tmp/corpus" \
  --findings "$tmp/findings" >"$tmp/fuzz.txt" 2>&1
rc=$?
check "two jobs against the reference find nothing" "$rc" "exit $rc; $(grep -m3 'new finding' "$tmp/fuzz.txt")"
for k in 1 2; do
  world=$(curl -sS -H "Conformance-World: essconf-fuzz-$k" "http://127.0.0.1:$port/_conformance/v1/world")
  if [[ $world == *ScalingGroupId* ]]; then ok "job $k loaded its cases' Worlds into essconf-fuzz-$k"
  else not_ok "job $k loaded its cases' Worlds into essconf-fuzz-$k" "GET answered: ${world:0:200}"; fi
done
stop_server

if [[ -f $sim ]] && command -v python3 >/dev/null; then
  if start_listening sim 's/^vendor_sim listening on \(http:[^ ]*\).*/\1/p' python3 "$sim" --port 0; then
    "$essconf" fuzz --target "$listening" --jobs 2 --time 3s --corpus "$tmp/sim-corpus" \
      --findings "$tmp/sim-findings" >"$tmp/sim.txt" 2>&1
    rc=$?
    if [[ $rc == 0 ]] && grep -q 'does not list isolated_worlds .* running one job' "$tmp/sim.txt"; then
      ok "--jobs 2 on a v1-only target: one job, a note, no finding"
    else
      not_ok "--jobs 2 on a v1-only target" "exit $rc; $(tail -3 "$tmp/sim.txt")"
    fi
  else
    not_ok "the simulator starts" ""
  fi
else
  echo "# skipped: no independent implementation at '$sim' (../shared/ is absent)"
fi
finish
