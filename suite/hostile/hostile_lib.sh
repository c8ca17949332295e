# Shared by the hostile end-to-end tests (sourced): test_lib.sh's temporary
# folder and TAP lines, hostile_server on a free port, and a command run under
# a watchdog with its exit status, wall time and peak memory measured.
# Needs $hostile_server set by the sourcing script.
source "$(dirname "${BASH_SOURCE[0]}")/../cli/test_lib.sh"

# start_hostile MODE WHERE: hostile_server MODE --where WHERE; sets $url and $pid.
start_hostile() {
  start_listening server 's/^hostile_server: listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' \
    "$hostile_server" "$1" --where "$2" || return 1
  url=$listening
}

# measure NAME LIMIT_S COMMAND...: runs COMMAND with output in $tmp/NAME.txt,
# killed after LIMIT_S seconds; sets $rc (124: killed at the limit), $ms (wall
# time) and $peak_kib (peak resident memory). GNU time (Debian package `time`)
# measures the peak exactly; without it, VmHWM is polled every 50 ms.
measure() {
  local name=$1 limit=$2
  shift 2
  local start
  start=$(date +%s%N)
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f %M -o "$tmp/$name.rss" timeout -k 5 "$limit" "$@" </dev/null >"$tmp/$name.txt" 2>&1
    rc=$?
    peak_kib=$(tail -1 "$tmp/$name.rss")
  else
    "$@" </dev/null >"$tmp/$name.txt" 2>&1 &
    local child=$! polls=0 hwm
    peak_kib=0
    while kill -0 "$child" 2>/dev/null; do
      hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$child/status" 2>/dev/null)
      [[ -n $hwm ]] && ((hwm > peak_kib)) && peak_kib=$hwm
      ((++polls > limit * 20)) && kill -KILL "$child" 2>/dev/null
      sleep 0.05
    done
    wait "$child"
    rc=$?
    ((polls > limit * 20)) && rc=124
  fi
  ms=$((($(date +%s%N) - start) / 1000000))
}

# judge NAME STATUSES MESSAGE MAX_MS MAX_KIB: after measure NAME, ok when the
# exit status is one of STATUSES ("1 2"), the output matches the extended
# regular expression MESSAGE, and time and memory are under their bounds.
judge() {
  local name=$1 statuses=$2 message=$3 max_ms=$4 max_kib=$5 problems=()
  [[ " $statuses " == *" $rc "* ]] || problems+=("exit status $rc, expected $statuses")
  ((ms < max_ms)) || problems+=("took $ms ms, expected under $max_ms")
  [[ $peak_kib =~ ^[0-9]+$ ]] && ((peak_kib < max_kib)) || problems+=("peak RSS $peak_kib KiB, expected under $max_kib")
  grep -aEq -- "$message" "$tmp/$name.txt" || problems+=("no /$message/ in: $(tail -c 400 "$tmp/$name.txt")")
  if ((${#problems[@]} == 0)); then
    ok "$name: exit $rc in $ms ms, peak $((peak_kib / 1024)) MiB"
  else
    local IFS=';'
    not_ok "$name" "${problems[*]}"
  fi
}
