#!/usr/bin/env bash
# Runs one interop test script against an essconf binary.
#
#   bash suite/interop/run.sh ESSCONF BUILD_DIR SCRIPT.mjs [SCRIPT ARGS...]
#
# ESSCONF is the essconf executable; BUILD_DIR a build-tree directory (ctest
# passes this directory's CMAKE_CURRENT_BINARY_DIR); SCRIPT.mjs a test in this
# directory (pop_core_interop.mjs, openapi_client_interop.mjs,
# aliyun_sdk_interop.mjs), given by name or path; further arguments go to the
# script. Every client is installed with `npm ci` from this directory's one
# package.json/package-lock.json into BUILD_DIR/interop, never into the source
# tree; a second run with the same lock file skips npm entirely. The install
# step holds an flock on BUILD_DIR/interop.lock, so tests run at once (ctest
# -j) share one install without corrupting it.
set -euo pipefail

die() { echo "interop/run.sh: $*" >&2; exit 1; }

[[ $# -ge 3 ]] || die "usage: run.sh ESSCONF BUILD_DIR SCRIPT.mjs [SCRIPT ARGS...]"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ -x "$1" ]] || die "essconf binary not found or not executable: $1"
ESSCONF="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mkdir -p "$2"
BUILD="$(cd "$2" && pwd)"
PREFIX="$BUILD/interop"
SCRIPT="$HERE/$(basename "$3")"
[[ -f "$SCRIPT" && "$SCRIPT" == *.mjs ]] || die "no test script $SCRIPT (expected one of: $(cd "$HERE" && ls -- *_interop.mjs | tr '\n' ' '))"
shift 3

command -v node >/dev/null || die "node not found on PATH (Node.js 18 or later is needed)"
command -v npm >/dev/null || die "npm not found on PATH"
command -v flock >/dev/null || die "flock not found on PATH (util-linux)"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
(( NODE_MAJOR >= 18 )) || die "Node.js $(node --version) is too old: 18 or later is needed (global fetch)"

# Every dependency named in package.json is installed in PREFIX.
all_installed() {
  node -e '
    const fs = require("fs"), path = require("path");
    const deps = Object.keys(JSON.parse(fs.readFileSync(process.argv[1], "utf8")).dependencies || {});
    process.exit(deps.every((d) => fs.existsSync(path.join(process.argv[2], "node_modules", d, "package.json"))) ? 0 : 1);
  ' "$HERE/package.json" "$PREFIX"
}

# Install (or reuse) the clients in the build tree, under the lock.
exec 9>"$BUILD/interop.lock"
flock -w 170 9 || die "could not lock $BUILD/interop.lock within 170 s (another install stuck?)"
STAMP="$PREFIX/.installed-package-lock.json"
if [[ -f "$STAMP" ]] && cmp -s "$STAMP" "$HERE/package-lock.json" \
   && cmp -s "$PREFIX/package.json" "$HERE/package.json" && all_installed; then
  :  # already installed from this lock file
else
  mkdir -p "$PREFIX"
  rm -f "$STAMP"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$PREFIX/"
  LOG="$PREFIX/npm-ci.log"
  if ! npm ci --prefix "$PREFIX" --no-audit --no-fund --ignore-scripts --prefer-offline \
         --fetch-retries=1 --fetch-timeout=30000 >"$LOG" 2>&1; then
    cat "$LOG" >&2
    die "npm ci failed while installing the interop clients into $PREFIX; is the npm registry reachable? (registry: $(npm config get registry 2>/dev/null || echo unknown); log: $LOG)"
  fi
  cp "$HERE/package-lock.json" "$STAMP"
fi
exec 9>&-  # release the lock: the test itself only reads the install

cd "$PREFIX"
export NODE_PATH="$PREFIX/node_modules${NODE_PATH:+:$NODE_PATH}"
exec node "$SCRIPT" --essconf "$ESSCONF" --modules "$PREFIX" "$@"
