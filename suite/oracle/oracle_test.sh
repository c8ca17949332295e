#!/usr/bin/env bash
# essconf run, with default settings, against an independent implementation:
# the simulator in ../shared/oracle/ (written by other people from the same
# documents), in its faithful mode, with each of its variants alone and with
# all of them together. Every run must exit 0: a conformance gate never fails
# a legitimate implementation. The simulator is not part of essconf: without
# it (a user's clone) the test reports itself skipped (exit 77).
# Usage: oracle_test.sh ESSCONF SIMULATOR [--seeds FIRST LAST] [--property-runs N] [--out DIR] [--run-arg ARG]...
set -uo pipefail
essconf=$1 sim=$2
shift 2
first=1 last=1 runs=200 out=
extra=()
while (($#)); do
  case $1 in
    --seeds) first=$2 last=$3; shift 3 ;;
    --property-runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --run-arg) extra+=("$2"); shift 2 ;;
    *) echo "oracle_test.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ ! -f $sim ]]; then
  echo "skipped: no independent implementation at $sim (../shared/ is absent)"
  exit 77
fi
command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }
source "$(dirname "$0")/../cli/test_lib.sh"
[[ -n $out ]] || out=$tmp/runs
mkdir -p "$out"

mapfile -t variants < <(python3 "$sim" --list-variants | cut -f1)
((${#variants[@]} > 0)) || { echo "the simulator lists no variants"; exit 1; }
all=()
for v in "${variants[@]}"; do all+=(--variant "$v"); done

# one LABEL SEED ARGS...: the simulator with ARGS, one default run against it.
one() {
  local label=$1 seed=$2
  shift 2
  start_listening "sim-$label" 's/^vendor_sim listening on \(http:[^ ]*\).*/\1/p' python3 "$sim" --port 0 "$@" ||
    { not_ok "$label seed $seed: the simulator starts" ""; return; }
  local dir=$out/$label-$seed
  "$essconf" run --target "$listening" --seed "$seed" --property-runs "$runs" --out "$dir" "${extra[@]}" >"$dir.txt" 2>&1
  local rc=$?
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if [[ $rc == 0 ]]; then
    ok "$label seed $seed: exit 0"
  else
    not_ok "$label seed $seed" "exit $rc; $(grep -E '^(FAIL|ERROR|  )' "$dir.txt" | head -8)"
  fi
}

for seed in $(seq "$first" "$last"); do
  one faithful "$seed"
  for v in "${variants[@]}"; do one "$v" "$seed" --variant "$v"; done
  one all-variants "$seed" "${all[@]}"
done

# --streams against a target that speaks only v1 (no isolated_worlds): the
# property phase runs as one stream, says so, and passes.
if start_listening sim-streams 's/^vendor_sim listening on \(http:[^ ]*\).*/\1/p' python3 "$sim" --port 0; then
  "$essconf" run --target "$listening" --skip-catalog --property-runs 60 --streams 2 >"$out/streams.txt" 2>&1
  rc=$?
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if [[ $rc == 0 ]] && grep -q 'does not list isolated_worlds .* runs as one stream' "$out/streams.txt" &&
     ! grep -q '2 streams, each on its own World' "$out/streams.txt"; then
    ok "--streams 2 on a v1-only target: one stream, a note, exit 0"
  else
    not_ok "--streams 2 on a v1-only target" "exit $rc; $(tail -5 "$out/streams.txt")"
  fi
else
  not_ok "the simulator starts for --streams" ""
fi
finish
