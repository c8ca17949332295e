#!/usr/bin/env bash
# The HTML report renders in headless Chromium (Debian's chromium, installed
# by scripts/setup): the screenshot of the sample report is not blank, and the
# same check calls an empty page blank.
# Usage: render_test.sh REPORT.html PNG_NOT_BLANK
set -uo pipefail
report=$(realpath "$1")
png_not_blank=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }

chromium=$(command -v chromium || command -v chromium-browser) || { echo "chromium is not installed (scripts/setup installs it)"; exit 1; }
shoot() {  # shoot HTML PNG
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-extensions \
    --no-first-run --hide-scrollbars --user-data-dir="$tmp/profile" --window-size=1280,1600 \
    --screenshot="$2" "file://$1" >"$tmp/chromium.log" 2>&1
}

shoot "$report" "$tmp/report.png"
if [[ -s $tmp/report.png ]] && out=$("$png_not_blank" "$tmp/report.png"); then
  ok "the report renders, not blank ($out)"
else
  not_ok "the report renders, not blank" "$(tail -3 "$tmp/chromium.log") ${out:-}"
fi

printf '<!DOCTYPE html><html><head><meta charset="utf-8"/><title>empty</title></head><body></body></html>' >"$tmp/empty.html"
shoot "$tmp/empty.html" "$tmp/empty.png"
if [[ -s $tmp/empty.png ]]; then
  "$png_not_blank" "$tmp/empty.png" >/dev/null; rc=$?
  [[ $rc == 1 ]] && ok "an empty page is called blank" || not_ok "an empty page is called blank" "exit $rc"
else
  not_ok "an empty page is called blank" "no screenshot: $(tail -3 "$tmp/chromium.log")"
fi
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
