# Shared by the CLI test scripts (sourced): a temporary folder, TAP-style
# ok/not_ok lines with counters, and essconf serve on a free port.
# Needs $essconf set by the sourcing script.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
tmp=$(mktemp -d)
pids=()
passed=0 failed=0
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }
# check NAME EXIT-STATUS [DETAIL]: ok when EXIT-STATUS is 0.
check() { if [[ $2 == 0 ]]; then ok "$1"; else not_ok "$1" "${3:-}"; fi; }

# start_listening NAME SED-SCRIPT COMMAND...: COMMAND in the background, stdout
# in $tmp/NAME.out and stderr in $tmp/NAME.err; waits until SED-SCRIPT (run
# with sed -n) prints its address from stdout, and sets $listening to it and
# $pid to the process.
start_listening() {
  local name=$1 script=$2
  shift 2
  : >"$tmp/$name.out"  # exists before the child writes to it
  "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!
  pids+=("$pid")
  listening=$(wait_for_listening "$tmp/$name.out" "$script") && return 0
  echo "$name did not start: $(cat "$tmp/$name.err")"
  return 1
}

# start_server NAME ARGS...: essconf serve on a free port; sets $port and $pid;
# stdout in $tmp/NAME.out, stderr (the request log) in $tmp/NAME.err.
start_server() {
  local name=$1
  shift
  start_listening "$name" "$serve_port_sed" "$essconf" serve --listen 127.0.0.1:0 "$@" || return 1
  port=$listening
}

stop_server() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }

# Prints the closing line and exits with the verdict.
finish() {
  echo "$passed passed, $failed failed"
  [[ $failed == 0 ]]
  exit
}
