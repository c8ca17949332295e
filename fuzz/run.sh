#!/usr/bin/env bash
# A timed fuzzing campaign on one harness (docs/fuzzing.md). Never a test.
#
#   fuzz/run.sh HARNESS SECONDS [JOBS]
#
# Runs build/fuzz/fuzz/HARNESS (the `fuzz` preset; ESSCONF_FUZZ_BUILD=DIR for
# another build tree) with the flags of fuzz/HARNESS.options, on a copy of the
# committed corpus in a temporary directory, so fuzz/corpus/ only changes when
# you merge back (the command is printed at the end). JOBS > 1 runs
# -fork=JOBS worker processes. Crashes are written to the temporary directory.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 HARNESS SECONDS [JOBS]" >&2
  exit 2
fi
harness=$1 seconds=$2 jobs=${3:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ESSCONF_FUZZ_BUILD:-$root/build/fuzz}/fuzz/$harness
if [[ ! -x $bin ]]; then
  echo "$0: no $bin: cmake --preset fuzz && cmake --build --preset fuzz" >&2
  exit 2
fi

# Every "key = value" of the [libfuzzer] section becomes -key=value; the
# dictionary is found in fuzz/dict/.
args=()
section=
while IFS= read -r line || [[ -n $line ]]; do
  line=${line%%#*}
  [[ $line =~ ^[[:space:]]*\[(.*)\][[:space:]]*$ ]] && { section=${BASH_REMATCH[1]}; continue; }
  [[ $section == libfuzzer && $line =~ ^[[:space:]]*([A-Za-z_]+)[[:space:]]*=[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]] || continue
  key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
  [[ $key == dict ]] && value=$root/fuzz/dict/$value
  args+=("-$key=$value")
done <"$root/fuzz/$harness.options"

work=$(mktemp -d "${TMPDIR:-/tmp}/essconf-$harness.XXXXXX")
cp -r "$root/fuzz/corpus/$harness" "$work/corpus"
args+=(-max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/")
((jobs > 1)) && args+=(-fork="$jobs")

echo "run.sh: $bin ${args[*]} $work/corpus"
status=0
"$bin" "${args[@]}" "$work/corpus" || status=$?
echo "run.sh: corpus and any crash-*/leak-*/timeout-* files are in $work"
echo "run.sh: to keep what it found: $bin -merge=1 $root/fuzz/corpus/$harness $work/corpus"
exit $status
