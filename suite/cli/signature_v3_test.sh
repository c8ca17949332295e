#!/usr/bin/env bash
# The V3 lane (docs/run.md, "Signature V3"): `essconf run --signature v3` signs
# ACS3-HMAC-SHA256 and judges it; a V1-only target is failed on it only then.
# Usage: signature_v3_test.sh ESSCONF
set -uo pipefail
essconf=$1
source "$(dirname "$0")/test_lib.sh"

# failing_clauses RESULTS: the verdict clauses of every failing case and property failure.
failing_clauses() {
  python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
out = {c for x in d["cases"] if x["verdict"] == "fail" for c in x["verdict_clauses"]}
out |= {c for p in d["properties"] for f in p.get("failures", []) for c in f["clauses"]}
print(" ".join(sorted(out)))' "$1" 2>&1
}

# expect_fail_under NAME RC RESULTS CLAUSE: ok when RC is 1 and CLAUSE is among the failing clauses of RESULTS.
expect_fail_under() {
  local clauses
  clauses=$(failing_clauses "$3")
  if [[ $2 == 1 && " $clauses " == *" $4 "* ]]; then
    ok "$1: exit 1, $4 among the failures"
  else
    not_ok "$1: exit 1 under $4" "rc $2, failing: $clauses"
  fi
}

# The reference, V3: exit 0, and the signed cases went out as ACS3.
"$essconf" run --signature v3 --property-runs 100 --out "$tmp/ref" >"$tmp/ref.txt" 2>&1
rc=$?
signed=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
v3 = sum(any("Authorization: ACS3-HMAC-SHA256 Credential=" in r for r in c["reproducer"]["requests"]) for c in d["cases"])
v1 = sum(any("SignatureMethod=" in r for r in c["reproducer"]["requests"]) for c in d["cases"])
print(v3, v1)' "$tmp/ref/results.json" 2>&1)
read -r v3 v1 <<<"$signed"
if [[ $rc == 0 && ${v3:-0} -ge 40 && ${v1:-99} -le 3 ]]; then
  ok "the reference under --signature v3: exit 0, $v3 cases signed ACS3, $v1 left V1 (SignatureMethod/Version cases)"
else
  not_ok "the reference under --signature v3: exit 0, the signed cases signed ACS3" "rc $rc, ACS3/V1 cases: $signed: $(tail -1 "$tmp/ref.txt")"
fi

# Faults of the signature layer are caught in the V3 lane, under their clause.
for entry in skip-signature-check:rpc.signature ignore-timestamp:rpc.timestamp nonce-reuse:rpc.nonce; do
  fault=${entry%%:*} clause=${entry#*:}
  if start_server "$fault" --fault "$fault"; then
    "$essconf" run --target "http://127.0.0.1:$port" --signature v3 --property-runs 100 --out "$tmp/$fault" \
      >"$tmp/$fault.txt" 2>&1
    rc=$?
    stop_server
    expect_fail_under "--fault $fault under --signature v3" "$rc" "$tmp/$fault/results.json" "$clause"
  else
    not_ok "--fault $fault: the server starts" ""
  fi
done

# A target that signs V1 only passes by default and fails the V3 lane it was asked for.
if start_server v1only --reading signature-v1-only; then
  "$essconf" run --target "http://127.0.0.1:$port" --property-runs 100 --out "$tmp/v1d" >"$tmp/v1d.txt" 2>&1
  rc_default=$?
  "$essconf" run --target "http://127.0.0.1:$port" --signature v3 --property-runs 100 --out "$tmp/v1v3" \
    >"$tmp/v1v3.txt" 2>&1
  rc_v3=$?
  stop_server
  if [[ $rc_default == 0 ]]; then
    ok "--reading signature-v1-only, default run (V1): exit 0, refusing V3 is a reading"
  else
    not_ok "--reading signature-v1-only, default run: exit 0" "rc $rc_default: $(tail -1 "$tmp/v1d.txt")"
  fi
  expect_fail_under "--reading signature-v1-only under --signature v3" "$rc_v3" "$tmp/v1v3/results.json" rpc.signature
else
  not_ok "--reading signature-v1-only: the server starts" ""
fi

# A flag value that is not a scheme is a usage error.
"$essconf" run --signature v2 >"$tmp/bad.txt" 2>&1
rc=$?
if [[ $rc == 2 ]] && grep -q -- '--signature' "$tmp/bad.txt"; then
  ok "--signature v2: exit 2 naming the flag"
else
  not_ok "--signature v2: exit 2 naming the flag" "rc $rc: $(head -2 "$tmp/bad.txt")"
fi

finish
