#!/usr/bin/env bash
# The live status line (docs/run.md, "Progress"): on a terminal, essconf run
# keeps one line that says what has run, what failed and the request rate;
# when stderr is not a terminal, or with --no-progress or NO_COLOR, nothing
# extra is written. The terminal is a pseudo-terminal from util-linux
# `script`; without it the test is skipped (exit 77).
# Usage: progress_line_test.sh ESSCONF
set -uo pipefail
essconf=$1
source "$(dirname "$0")/test_lib.sh"
command -v script >/dev/null || { echo "skipped: util-linux script is not installed"; exit 77; }

# on_tty FILE ARGS...: essconf ARGS... with stdout and stderr on a pseudo-terminal; what it drew goes to FILE.
on_tty() {
  local file=$1
  shift
  local cmd
  cmd=$(printf '%q ' "$essconf" "$@")
  env -u NO_COLOR TERM=xterm script -qec "$cmd" /dev/null </dev/null >"$file" 2>&1
}
# has_status FILE PHASE: FILE holds a redrawn status line of PHASE ("\r" PHASE ... "ESC[K").
has_status() { python3 -c 'import re,sys
t = open(sys.argv[1], "rb").read()
sys.exit(0 if re.search(rb"\r" + re.escape(sys.argv[2].encode()) + rb": [^\r\n]*requests/s\x1b\[K", t) else 1)' "$1" "$2"; }
erases() { grep -q $'\x1b\\[K' "$1"; }

on_tty "$tmp/tty.txt" run --property-runs 200 --out "$tmp/tty"
rc=$?
check "on a terminal: exit 0 against the reference" "$rc" "rc $rc: $(tail -c 300 "$tmp/tty.txt")"
for phase in catalog property.differential property.stateful; do
  has_status "$tmp/tty.txt" "$phase"
  check "on a terminal: a status line for $phase (done/total, failed, requests/s)" $? "$(tail -c 300 "$tmp/tty.txt" | cat -v)"
done
python3 -c 'import re,sys
t = open(sys.argv[1], "rb").read()
m = re.search(rb"\rcatalog: (\d+)/(\d+) cases, 0 failed", t)
sys.exit(0 if m and int(m.group(2)) >= 200 and int(m.group(1)) <= int(m.group(2)) else 1)' "$tmp/tty.txt"
check "on a terminal: the catalog line counts cases out of the catalog, none failed" $? "$(grep -ao $'\rcatalog: [^\x1b]*' "$tmp/tty.txt" | head -2 | cat -v)"
# The report starts on a clean line: the status line was erased before it.
python3 -c 'import sys
t = open(sys.argv[1], "rb").read()
i = t.find(b"requests/s\x1b[K")
j = t.find(b"\r\x1b[K", i)
sys.exit(0 if i >= 0 and j > i else 1)' "$tmp/tty.txt"
check "on a terminal: the line is erased (CR ESC[K) before other output" $? ""

"$essconf" run --property-runs 200 --out "$tmp/pipe" >"$tmp/pipe.out" 2>"$tmp/pipe.err"
rc=$?
[[ $rc == 0 ]] && ! erases "$tmp/pipe.out" && ! erases "$tmp/pipe.err" && ! grep -q $'\r' "$tmp/pipe.err"
check "not a terminal: exit 0, no status line, no CR or ESC[K in stdout or stderr" $? "rc $rc: $(head -c 300 "$tmp/pipe.err" | cat -v)"

on_tty "$tmp/off.txt" run --property-runs 50 --no-progress --out "$tmp/off"
! erases "$tmp/off.txt"
check "--no-progress on a terminal: no status line" $? "$(head -c 300 "$tmp/off.txt" | cat -v)"

cmd=$(printf '%q ' "$essconf" run --property-runs 50 --out "$tmp/nc")
NO_COLOR=1 TERM=xterm script -qec "$cmd" /dev/null </dev/null >"$tmp/nc.txt" 2>&1
! erases "$tmp/nc.txt"
check "NO_COLOR=1 on a terminal: no status line" $? "$(head -c 300 "$tmp/nc.txt" | cat -v)"

# Failures so far are counted: a faulty target's line says so.
if start_server fault --fault skip-signature-check; then
  on_tty "$tmp/fault.txt" run --target "http://127.0.0.1:$port" --property-runs 0 --out "$tmp/fault"
  rc=$?
  stop_server
  python3 -c 'import re,sys
t = open(sys.argv[1], "rb").read()
sys.exit(0 if re.search(rb"\rcatalog: \d+/\d+ cases, [1-9]\d* failed", t) else 1)' "$tmp/fault.txt"
  check "a faulty target: exit 1 and the line counts its failures" $(( $? + (rc != 1) )) "rc $rc"
else
  not_ok "a faulty target: the server starts" ""
fi
finish
