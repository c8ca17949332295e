#!/usr/bin/env bash
# essconf run end to end against hostile targets (hostile_server.cpp). For
# every mode, hostile on the API (the fixture protocol answered faithfully)
# and hostile on the fixture protocol, the run ends well within its limits,
# exits 1 or 2 (never 0, never by a signal, never at the watchdog), says what
# the target did, and peaks under 256 MiB. A catalog slice without the
# property phase against each API mode exits 1 with no case passing; the
# property phase alone keeps to the run's time limit.
# Usage: hostile_e2e_test.sh ESSCONF HOSTILE_SERVER
set -uo pipefail
essconf=$1
hostile_server=$2
source "$(dirname "$0")/hostile_lib.sh"
# Under ASan (the fuzz preset) a small quarantine keeps the memory figure about essconf.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"

timeouts=(--request-timeout-ms 300 --connect-timeout-ms 300)
max_ms=20000 max_kib=$((256 * 1024))

# What essconf says of each mode (an extended regular expression): hostile on
# the API, each case's error or failure; hostile on the fixture protocol, why
# the protocol is not usable (its first request, GET capabilities).
declare -A api_says=(
  [never-answer]='the target timeout: no complete response within 300 ms \(nothing arrived'
  [one-byte-per-second]='the target timeout: no complete response within 300 ms \(the response was incomplete; received 1 byte\)'
  [huge-body]='the target response too large: the response is larger than the 4 MiB limit \(Content-Length 2147483648\)'
  [not-http]='the target not an HTTP response: first bytes "SSH-2\.0-OpenSSH_9\.2\\r\\n'
  [reset-after-request]='the target connection closed or reset: reset before sending anything'
  [truncated-xml]='observed a body that is neither XML nor JSON: XML parse error'
  [short-body]='the target timeout: no complete response within 300 ms \(the response was incomplete; received [0-9]+ bytes\)'
  [endless-chunked]='the target timeout: no complete response within 300 ms \(the response was incomplete'
  [redirect-self]='observed status 302'
  [invalid-json]='observed a body that is neither XML nor JSON: JSON parse error'
)
declare -A fixture_says=(
  [never-answer]='capabilities timeout: no complete response within 300 ms \(nothing arrived'
  [one-byte-per-second]='capabilities timeout: no complete response within 300 ms \(the response was incomplete; received 1 byte\)'
  [huge-body]='capabilities response too large: the response is larger than the 4 MiB limit \(Content-Length 2147483648\)'
  [not-http]='capabilities not an HTTP response: first bytes "SSH-2\.0-OpenSSH_9\.2\\r\\n'
  [reset-after-request]='capabilities connection closed or reset: reset before sending anything'
  [truncated-xml]='capabilities answered 400 <\?xml version="1\.0" encoding="UTF-8"\?><Error><RequestId>x</RequestId><Code>Forbid$'
  [short-body]='capabilities timeout: no complete response within 300 ms \(the response was incomplete; received [0-9]+ bytes\)'
  [endless-chunked]='capabilities timeout: no complete response within 300 ms \(the response was incomplete'
  [redirect-self]='capabilities answered 302 \(a redirect to http://127\.0\.0\.1:[0-9]+/_conformance/v1/capabilities, not followed\)'
  [invalid-json]='capabilities answered 200 with a body that is not JSON \(incomplete JSON\): \{"Capabilities": \[$'
)
# Whether the API's answers make the cases errors (no proper answer) or fails (a wrong one).
declare -A api_verdict=([truncated-xml]=fail [redirect-self]=fail [invalid-json]=fail)

modes=(never-answer one-byte-per-second huge-body not-http reset-after-request truncated-xml short-body
       endless-chunked redirect-self invalid-json)
for mode in "${modes[@]}"; do
  # The fixture protocol is hostile: the run cannot happen (exit 2), at once.
  start_hostile "$mode" fixture || { not_ok "$mode: hostile_server starts" ""; continue; }
  measure "$mode.fixture" 60 "$essconf" run --target "$url" --property-runs 20 "${timeouts[@]}" --run-timeout-s 8
  judge "$mode.fixture" 2 "the run could not happen: the fixture protocol is not usable: GET /_conformance/v1/${fixture_says[$mode]}" \
    5000 "$max_kib"
  stop_server

  # The API is hostile: no case passes (exit 1), within the run's time limit.
  start_hostile "$mode" api || { not_ok "$mode: hostile_server starts" ""; continue; }
  measure "$mode.api" 60 "$essconf" run --target "$url" --property-runs 20 "${timeouts[@]}" --run-timeout-s 8
  judge "$mode.api" 1 "${api_says[$mode]}" "$max_ms" "$max_kib"
  grep -aEq '^[1-9][0-9]* cases: 0 passed, ' "$tmp/$mode.api.txt"
  check "$mode.api: no case passes" $? "$(grep -a ' cases: ' "$tmp/$mode.api.txt")"

  if [[ ${api_verdict[$mode]:-error} == fail ]]; then
    summary='[1-9][0-9]* cases: 0 passed, [1-9][0-9]* failed, 0 deviations, 0 not applicable, 0 errors;'
  else
    summary='[1-9][0-9]* cases: 0 passed, 0 failed, 0 deviations, 0 not applicable, [1-9][0-9]* errors;'
  fi
  # The catalog alone, on a shorter time limit: what the limit does not reach is an error too.
  measure "$mode.api-capacity" 60 "$essconf" run --target "$url" --filter 'capacity.*' --property-runs 0 "${timeouts[@]}" \
    --run-timeout-s 2
  judge "$mode.api-capacity" 1 "$summary" "$max_ms" "$max_kib"
  stop_server
done

# The property phase alone against an API that never answers (not even GET /):
# every property keeps to the run's time limit and ends in an error (the
# target could not be judged), and the differential one's minimal case names
# what the target did rather than the limit that cut its shrinking short.
if start_hostile never-answer api; then
  measure properties-only 60 "$essconf" run --target "$url" --skip-catalog --property-runs 20 "${timeouts[@]}" \
    --run-timeout-s 3
  judge properties-only 1 \
    'error property\.differential \(.*\): after 0 passing cases, a generated case fails \(shrunk\): the target timeout: no complete response within 300 ms' \
    6000 "$max_kib"
  stop_server
else
  not_ok "never-answer: hostile_server starts" ""
fi

finish
