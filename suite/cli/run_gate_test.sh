#!/usr/bin/env bash
# What the gate does with verdicts that say what happened (docs/run.md):
# --repeat reports each verdict's stability and a flaky case fails the gate;
# a request left without an answer while the target answers others is a
# robust.no-server-error fail, not an error. Usage: run_gate_test.sh ESSCONF
set -uo pipefail
essconf=$1
source "$(dirname "$0")/test_lib.sh"

# The reference, three times over: stable, conformant, every repetition recorded.
"$essconf" run --repeat 3 --filter 'capacity.*' --property-runs 30 --out "$tmp/stable" >"$tmp/stable.txt" 2>&1
rc=$?
repeats=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(sorted({len(x["repeats"]) for x in d["cases"] + d["properties"]}))' "$tmp/stable/results.json" 2>&1)
if [[ $rc == 0 && $repeats == "[3]" ]] && grep -q '3 repetitions: 0 flaky cases, 0 flaky properties' "$tmp/stable.txt"; then
  ok "the reference, repeated 3 times: exit 0, every case and property stable 3 out of 3"
else
  not_ok "the reference, repeated 3 times: exit 0, every case and property stable" "rc $rc, repeats $repeats: $(tail -1 "$tmp/stable.txt")"
fi

# A target that answers every third call with Throttling: one case, three
# repetitions, pass pass fail. A flaky case never passes the gate silently.
if start_server flaky --fault flaky-throttling; then
  "$essconf" run --target "http://127.0.0.1:$port" --repeat 3 --filter capacity.min-size.met-exactly --property-runs 0 \
    --out "$tmp/flaky" >"$tmp/flaky.txt" 2>&1
  rc=$?
  stop_server
  if [[ $rc == 1 ]] && grep -q 'flaky over 3 repetitions: fail 1, pass 2\|flaky over 3 repetitions: pass 2, fail 1' "$tmp/flaky.txt" &&
     grep -q '3 repetitions: 1 flaky cases' "$tmp/flaky.txt"; then
    ok "a flaky case is reported with the verdicts that differed, and fails the gate (exit 1)"
  else
    not_ok "a flaky case fails the gate with its verdicts" "rc $rc: $(grep -E 'flaky|repetitions' "$tmp/flaky.txt" | head -3)"
  fi
else
  not_ok "flaky-throttling: the server starts" ""
fi

# A target that drops the connection on an unknown group but answers GET /:
# every error.group-not-found case is a fail of robust.no-server-error.
if start_server reset --fault reset-on-unknown-group; then
  "$essconf" run --target "http://127.0.0.1:$port" --filter 'error.group-not-found.*' --property-runs 0 \
    --out "$tmp/reset" >"$tmp/reset.txt" 2>&1
  rc=$?
  stop_server
  verdicts=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted({c["verdict"] + ":" + ",".join(c["verdict_clauses"]) for c in d["cases"]})))' "$tmp/reset/results.json" 2>&1)
  if [[ $rc == 1 && $verdicts == "fail:robust.no-server-error" ]] && grep -q 'while it answers other requests' "$tmp/reset.txt"; then
    ok "a request left without an answer while the target answers others fails under robust.no-server-error"
  else
    not_ok "an unanswered request is a robust.no-server-error fail" "rc $rc, verdicts: $verdicts"
  fi
else
  not_ok "reset-on-unknown-group: the server starts" ""
fi

finish
