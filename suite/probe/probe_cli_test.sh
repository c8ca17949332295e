#!/usr/bin/env bash
# essconf probe end to end (docs/probe.md): against essconf serve with a
# populated World that checks signatures, the World is byte-identical
# afterwards (read through the fixture protocol by this script only) and the
# exit status is 0, with and without a declared key; against --fault servers
# whose clause probe judges, exit 1 with a failure under that clause; against
# the independent implementation in ../shared/oracle/ (when it is beside the
# project), every variant passes and its World is unchanged; bad declarations
# exit 2. Runs against serve and the independent implementation send
# generated requests too; the fault runs judge the catalog's attribution.
# Usage: probe_cli_test.sh ESSCONF DEMO_WORLD [SIMULATOR]
set -uo pipefail
essconf=$1 demo_world=$2 sim=${3:-}
source "$(dirname "$0")/../cli/test_lib.sh"

# The demo World, checking signatures with its key.
sed 's/"Mode": *"None"/"Mode": "Signature"/' "$demo_world" >"$tmp/signed.json"
grep -q '"Mode": "Signature"' "$tmp/signed.json" || { echo "the demo World has no Auth.Mode to switch"; exit 1; }
declared=(--group asg-demo --member asg-demo:i-demo-auto1 --member asg-demo:i-demo-auto2)
key=(--access-key-id LTAI-conformance --access-key-secret s3cr3t)

world_of() { curl -sf "$1/_conformance/v1/world"; }

# probe_unchanged NAME URL ARGS...: probe exits 0 and the World reads back byte-identical.
probe_unchanged() {
  local name=$1 url=$2
  shift 2
  world_of "$url" >"$tmp/$name.before" || { not_ok "$name" "the World could not be read before"; return; }
  "$essconf" probe --target "$url" "$@" --out "$tmp/$name" >"$tmp/$name.txt" 2>&1
  local rc=$?
  world_of "$url" >"$tmp/$name.after"
  check "$name: exit 0" "$rc" "exit $rc: $(grep -E '^(FAIL|ERROR)' "$tmp/$name.txt" | head -5)"
  cmp -s "$tmp/$name.before" "$tmp/$name.after"
  check "$name: the World is byte-identical afterwards" $? "$(diff "$tmp/$name.before" "$tmp/$name.after" | head -5)"
}

start_server serve --world "$tmp/signed.json" || exit 1
url=http://127.0.0.1:$port
probe_unchanged serve-with-key "$url" "${declared[@]}" "${key[@]}" --property-runs 100
grep -q '"mode": *"probe"' "$tmp/serve-with-key/results.json"
check "results.json says probe judged it" $?
judged=$(python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))
print(sum(c["verdict"]=="pass" for c in r["cases"]), sum(c["verdict"]=="not applicable" for c in r["cases"]))' \
  "$tmp/serve-with-key/results.json")
read -r passes not_judged <<<"$judged"
((passes > 50 && not_judged > 50))
check "some cases are judged, and those probe cannot judge are not applicable ($passes passed, $not_judged not judged)" $?
generated=$(python3 -c 'import json,sys
p=[p for p in json.load(open(sys.argv[1]))["properties"] if p["name"]=="property.differential"]
print(p[0]["verdict"] if p else "none", p[0]["runs"] if p else 0)' "$tmp/serve-with-key/results.json")
[[ $generated == "pass 100" ]]
check "100 generated requests were judged too, and passed" $? "$generated"
probe_unchanged serve-without-key "$url" "${declared[@]}" --property-runs 30
probe_unchanged serve-nothing-declared "$url" --property-runs 30
stop_server

# Faults whose clause probe judges: each exits 1 with a failure under its clause.
for fault in accept-21-ids:param.instance-id.max-20 not-found-wrong-code:error.instance-not-found \
             no-request-id:response.request-id xml-as-json:response.format.xml \
             group-not-found-500:robust.no-server-error error-without-code:error.body \
             sig-key-without-ampersand:rpc.signature reset-on-unknown-group:robust.no-server-error; do
  name=${fault%%:*} clause=${fault#*:}
  start_server "fault-$name" --world "$tmp/signed.json" --fault "$name" || exit 1
  "$essconf" probe --target "http://127.0.0.1:$port" "${declared[@]}" "${key[@]}" --property-runs 0 \
    --out "$tmp/fault-$name" >"$tmp/fault-$name.txt" 2>&1
  rc=$?
  stop_server
  [[ $rc == 1 ]] && grep -q "\"clause\": *\"$clause\"" "$tmp/fault-$name/results.json"
  check "--fault $name: exit 1, a failure under $clause" $? "exit $rc"
done

# Generated requests alone catch a fault too, shrunk, with the case as sent.
start_server fault-generated --world "$tmp/signed.json" --fault no-request-id || exit 1
"$essconf" probe --target "http://127.0.0.1:$port" "${declared[@]}" "${key[@]}" --skip-catalog --property-runs 100 \
  --out "$tmp/fault-generated" >"$tmp/fault-generated.txt" 2>&1
rc=$?
stop_server
caught=$(python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))
f=[f for p in r["properties"] for f in p["failures"]]
print(len(r["cases"]), f[0]["clauses"][0] if f else "", "Sent as" in f[0]["detail"] if f else False)' "$tmp/fault-generated/results.json")
[[ $rc == 1 && $caught == "0 response.request-id True" ]]
check "--skip-catalog: generated requests catch no-request-id under its clause, with the case as sent" $? "exit $rc: $caught"

# Bad declarations: exit 2 with a message naming the flag.
"$essconf" probe --target http://127.0.0.1:9 --member no-colon >"$tmp/bad.txt" 2>&1
[[ $? == 2 ]] && grep -q -- "--member" "$tmp/bad.txt"
check "a --member without GROUP:INSTANCE exits 2" $? "$(cat "$tmp/bad.txt")"
"$essconf" probe --target http://127.0.0.1:9 --member a:i-1 --member b:i-1 >"$tmp/twice.txt" 2>&1
[[ $? == 2 ]] && grep -q "declared twice" "$tmp/twice.txt"
check "an instance in two groups exits 2" $? "$(cat "$tmp/twice.txt")"

# The independent implementation, without its fixture protocol but to read the World back.
if [[ -n $sim && -f $sim ]] && command -v python3 >/dev/null; then
  mapfile -t variants < <(python3 "$sim" --list-variants | cut -f1)
  for v in faithful "${variants[@]}"; do
    args=()
    [[ $v != faithful ]] && args=(--variant "$v")
    start_listening "sim-$v" 's/^vendor_sim listening on \(http:[^ ]*\).*/\1/p' \
      python3 "$sim" --port 0 --world "$tmp/signed.json" "${args[@]}" || { not_ok "oracle $v starts" ""; continue; }
    probe_unchanged "oracle-$v" "$listening" "${declared[@]}" "${key[@]}" --property-runs 100
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  done
else
  echo "# the independent implementation is absent (../shared/ is not beside the project): its checks are skipped"
fi
finish
