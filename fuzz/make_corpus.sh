#!/usr/bin/env bash
# (Re)generates the seed corpora of the fuzz harnesses from the case catalog
# (fixtures/cases/**/*.json), so that every seed is a real input in a real
# format. Deterministic: a file is named after the SHA-1 of its content, and
# the same catalog gives the same files.
#
#   fuzz/make_corpus.sh ESSCONF_BINARY      e.g. build/dev/suite/essconf
#
#   fuzz_model   <- each case file itself
#   fuzz_server  <- the exact HTTP bytes each case sends (essconf explain), with
#                   Host and, for a body, Content-Length, as the runner adds them
#   fuzz_params  <- each request's query string and form body
#   fuzz_signer  <- the same strings
#   fuzz_body    <- the body `essconf serve` answers to each case (after PUTting
#                   its World), plus hand-made bodies: the documentation's
#                   examples and hostile ones (BOM, CDATA, DOCTYPE, bad UTF-8...)
#   fuzz_world   <- fixtures/worlds/*.json and each case's World
#
# fuzz_model, fuzz_server, fuzz_signer and fuzz_body are rebuilt from scratch.
# fuzz_params and fuzz_world also hold inputs found by earlier campaigns; those
# stay, and the catalog's seeds are added next to them.
# Needs bash, jq, curl, sha1sum. Exits non-zero if a corpus exceeds 300 files or 2 MB.
set -euo pipefail

if [[ $# -ne 1 || ! -x $1 ]]; then
  echo "usage: $0 ESSCONF_BINARY" >&2
  exit 2
fi
essconf=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib.sh"
corpus=$root/fuzz/corpus
tmp=$(mktemp -d)
server_pid=
trap '[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

for h in fuzz_model fuzz_server fuzz_signer fuzz_body; do
  rm -rf "${corpus:?}/$h"
  mkdir -p "$corpus/$h"
done
mkdir -p "$corpus/fuzz_params" "$corpus/fuzz_world"

# keep HARNESS FILE: moves FILE into the harness's corpus under its SHA-1.
keep() {
  local sum
  sum=$(sha1sum <"$2" | cut -c1-40)
  mv "$2" "$corpus/$1/$sum"
}

# request_bytes CASE NOW: the bytes the case sends at NOW, as `essconf explain`
# prints them (to_http_bytes, then "\n\n", then the expectation on one line).
request_bytes() {
  local out
  out=$("$essconf" explain --case "$1" --now "$2"; printf x)
  out=${out%x}
  printf '%s' "${out%$'\n\n'*}"
}

# with_transport_headers: the request on stdin as the runner sends it, with
# Host, Content-Length for a body, and an optional extra header ($1).
with_transport_headers() {
  local req head body
  req=$(cat; printf x)
  req=${req%x}
  head=${req%%$'\r\n\r\n'*}
  body=${req#*$'\r\n\r\n'}
  printf '%s\r\nHost: essconf.test\r\n' "$head"
  [[ -n $body ]] && printf 'Content-Length: %d\r\n' "$(printf '%s' "$body" | wc -c)"
  [[ -n ${1:-} ]] && printf '%s\r\n' "$1"
  printf '\r\n%s' "$body"
}

mapfile -t cases < <(find "$root/fixtures/cases" -name '*.json' | LC_ALL=C sort)
n=0
for c in "${cases[@]}"; do
  n=$((n + 1))
  cp "$c" "$tmp/case"
  keep fuzz_model "$tmp/case"
  jq '.world' "$c" >"$tmp/world"
  keep fuzz_world "$tmp/world"

  request_bytes "$c" 1790000000 >"$tmp/req"
  with_transport_headers <"$tmp/req" >"$tmp/http"
  keep fuzz_server "$tmp/http"
  target=$(head -n 1 "$tmp/req" | cut -d' ' -f2)
  if [[ $target == *\?* ]]; then
    printf '%s' "${target#*\?}" >"$tmp/q"
    cp "$tmp/q" "$tmp/q2"
    keep fuzz_params "$tmp/q"
    keep fuzz_signer "$tmp/q2"
  fi
  body=$(cat "$tmp/req"; printf x)
  body=${body%x}
  if [[ $body == *$'\r\n\r\n'?* ]]; then
    printf '%s' "${body#*$'\r\n\r\n'}" >"$tmp/f"
    cp "$tmp/f" "$tmp/f2"
    keep fuzz_params "$tmp/f"
    keep fuzz_signer "$tmp/f2"
  fi
done
for w in "$root"/fixtures/worlds/*.json; do
  cp "$w" "$tmp/w"
  keep fuzz_world "$tmp/w"
done
echo "make_corpus: $n cases read"

# fuzz_body: what the reference server answers to each case, over a socket.
"$essconf" serve --listen 127.0.0.1:0 --threads 1 --seed 1 >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
port=$(wait_for_listening "$tmp/serve.out" "$serve_port_sed") || { echo "make_corpus: essconf serve did not start: $(cat "$tmp/serve.err")" >&2; exit 1; }
for c in "${cases[@]}"; do
  jq '.world' "$c" | curl -sS --fail --max-time 5 -X PUT -H 'Content-Type: application/json' \
    --data-binary @- "http://127.0.0.1:$port/_conformance/v1/world" >/dev/null
  # The server's clock is this machine's, so signed cases are signed now.
  request_bytes "$c" "$(date +%s)" | with_transport_headers 'Connection: close' >"$tmp/http"
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  cat "$tmp/http" >&3
  cat <&3 >"$tmp/resp"
  exec 3<&-
  # The body is what follows the first blank line of the response.
  offset=$(grep -obUa $'\r$' "$tmp/resp" | awk -F: 'prev + 2 == $1 { print $1 + 3; exit } { prev = $1 }')
  [[ -n $offset ]] || { echo "make_corpus: no response to $c" >&2; exit 1; }
  tail -c +"$offset" "$tmp/resp" >"$tmp/body"
  [[ -s $tmp/body ]] && keep fuzz_body "$tmp/body"
done

# Hand-made bodies: the documentation's shapes and what gateways and hostile
# targets send.
hand=(
  '<?xml version="1.0" encoding="UTF-8"?>\n<RemoveInstancesResponse>\n  <ScalingActivityId>asa-bp175o6f6ego3r2j****</ScalingActivityId>\n  <RequestId>473469C7-AA6F-4DC5-B3DB-A3DC0DE3****</RequestId>\n</RemoveInstancesResponse>'
  '{\n  "ScalingActivityId" : "asa-bp175o6f6ego3r2j****",\n  "RequestId" : "473469C7-AA6F-4DC5-B3DB-A3DC0DE3****"\n}'
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <RequestId>540CFF28-407A-40B5-B6A5-74Bxxxxxxxxx</RequestId>\n  <HostId>ess.aliyuncs.com</HostId>\n  <Code>InvalidScalingGroupId.NotFound</Code>\n  <Message>The specified scaling group does not exist.</Message>\n  <Recommend>https://api.aliyun.com/troubleshoot?q=InvalidScalingGroupId.NotFound&amp;product=Ess</Recommend>\n</Error>'
  '{"RequestId":"540CFF28-407A-40B5-B6A5-74Bxxxxxxxxx","HostId":"ess.aliyuncs.com","Code":"IncorrectCapacity.MinSize","Message":"To remove the instances, the total capacity will be lesser than the MinSize.","Recommend":"https://api.aliyun.com/troubleshoot?q=IncorrectCapacity.MinSize"}'
  '\xef\xbb\xbf<?xml version='"'"'1.0'"'"' encoding='"'"'UTF-8'"'"'?><Error><Code><![CDATA[Throttling]]></Code><Message><![CDATA[a <b> & c]]></Message><RequestId>r</RequestId></Error>'
  '<Error><Code>A</Code><Code>B</Code><RequestId>r</RequestId><Extra><Nested>x</Nested></Extra></Error>'
  '<?xml version="1.0"?><!DOCTYPE Error [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Error><Code>&b;</Code><Message>&#13;&#9; x &#32;</Message><RequestId>r</RequestId></Error>'
  '<e:Error xmlns:e="urn:x"><e:Code>X</e:Code><RequestId>r&#xFFFD;&#x10FFFF;</RequestId><Message>\xff\xfe bad \xc3\x28 utf8 \xed\xa0\x80</Message></e:Error>'
  '{"Code":"Throttling","Message":"\\u0000\\u0001\\uFFFE\\uFFFF\\uD800 lone","RequestId":"r","Data":{"Code":"inner"},"List":[1,2,{"a":null}]}'
  '{"Code":200,"Success":true,"RequestId":12345678901234567890123,"Message":1.5e300}'
  '{"RequestId":"r","ScalingActivityId":"asa-\xff\x80","RequestId":"dup"}'
  '{"Code":"","Message":"empty code","RequestId":""}'
  '[{"Code":"NotAnObject"}]'
  '{"Code":"Trunc'
  '<Error><Code>Unclosed</Code>'
  '   \r\n\t '
  'Internal Server Error'
  '<RemoveInstancesResponse><ScalingActivityId>  padded  </ScalingActivityId><RequestId>\r\nr\r\n</RequestId></RemoveInstancesResponse>'
  '{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]}'
  '<?xml version="1.0" encoding="ISO-8859-1"?><Error><Code>Caf\xe9</Code><RequestId>r</RequestId></Error>'
)
for b in "${hand[@]}"; do
  printf '%b' "$b" >"$tmp/body"
  keep fuzz_body "$tmp/body"
done

status=0
for d in "$corpus"/*/; do
  files=$(find "$d" -type f | wc -l)
  bytes=$(du -sb "$d" | cut -f1)
  echo "make_corpus: $(basename "$d"): $files files, $bytes bytes"
  if ((files > 300 || bytes > 2 * 1024 * 1024)); then
    echo "make_corpus: $(basename "$d") is over 300 files or 2 MB: merge it (docs/fuzzing.md)" >&2
    status=1
  fi
done
exit $status
