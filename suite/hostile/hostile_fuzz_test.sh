#!/usr/bin/env bash
# essconf fuzz end to end against hostile targets (hostile_server.cpp): a
# 5-second campaign against an API that never answers, that streams a 2 GiB
# body, or that is not HTTP, and against a fixture protocol that answers
# invalid JSON, ends within 30 s, exits non-zero (1: findings, 2: could not
# run), says what the target did, and peaks under 256 MiB. The fuzz build is
# ASan-instrumented: a 16 MiB quarantine and no leak check keep the memory
# figure about essconf rather than ASan's bookkeeping.
# Usage: hostile_fuzz_test.sh ESSCONF HOSTILE_SERVER (the fuzz build's essconf)
set -uo pipefail
essconf=$1
hostile_server=$2
source "$(dirname "$0")/hostile_lib.sh"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16:detect_leaks=0"
cd "$tmp" || exit 1  # libFuzzer writes crash and timeout inputs to the working directory

# MODE WHERE STATUS MESSAGE (an extended regular expression, the rest of the line)
while read -r mode where status message; do
  start_hostile "$mode" "$where" || { not_ok "$mode: hostile_server starts" ""; continue; }
  measure "$mode.$where" 90 "$essconf" fuzz --target "$url" --time 5s --corpus "$tmp/$mode.corpus" \
    --findings "$tmp/$mode.findings"
  judge "$mode.$where" "$status" "$message" 30000 $((256 * 1024))
  stop_server
done <<'EOF'
never-answer api 1 essconf fuzz: new finding .*: the target timeout: no complete response within 10000 ms \(nothing arrived
huge-body api 1 essconf fuzz: new finding .*: the target response too large: .*\(Content-Length 2147483648\)
not-http api 1 essconf fuzz: new finding .*: the target not an HTTP response: first bytes "SSH-2\.0-OpenSSH_9\.2
invalid-json fixture 2 essconf fuzz: the fixture protocol is not usable: GET /_conformance/v1/capabilities answered 200 with a body that is not JSON
EOF
if left=$(ls "$tmp"/crash-* "$tmp"/timeout-* "$tmp"/leak-* 2>/dev/null); then
  not_ok "libFuzzer left no crash, timeout or leak input" "$left"
else
  ok "libFuzzer left no crash, timeout or leak input"
fi

finish
