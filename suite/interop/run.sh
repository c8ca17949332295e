#!/usr/bin/env bash
# Runs the pop-core interop test against an essconf binary.
#
#   bash suite/interop/run.sh ESSCONF BUILD_DIR
#
# ESSCONF is the essconf executable; BUILD_DIR a build-tree directory (ctest
# passes this directory's CMAKE_CURRENT_BINARY_DIR). @alicloud/pop-core is
# installed with `npm ci` from this directory's package.json/package-lock.json
# into BUILD_DIR/interop, never into the source tree; a second run with the
# same lock file skips npm entirely.
set -euo pipefail

die() { echo "interop/run.sh: $*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: run.sh ESSCONF BUILD_DIR"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ -x "$1" ]] || die "essconf binary not found or not executable: $1"
ESSCONF="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mkdir -p "$2"
PREFIX="$(cd "$2" && pwd)/interop"

command -v node >/dev/null || die "node not found on PATH (Node.js 18 or later is needed)"
command -v npm >/dev/null || die "npm not found on PATH"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
(( NODE_MAJOR >= 18 )) || die "Node.js $(node --version) is too old: 18 or later is needed (global fetch)"

# Install (or reuse) pop-core in the build tree.
STAMP="$PREFIX/.installed-package-lock.json"
if [[ -f "$STAMP" && -d "$PREFIX/node_modules/@alicloud/pop-core" ]] \
   && cmp -s "$STAMP" "$HERE/package-lock.json" && cmp -s "$PREFIX/package.json" "$HERE/package.json"; then
  :  # already installed from this lock file
else
  mkdir -p "$PREFIX"
  rm -f "$STAMP"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$PREFIX/"
  LOG="$PREFIX/npm-ci.log"
  if ! npm ci --prefix "$PREFIX" --no-audit --no-fund --ignore-scripts --prefer-offline \
         --fetch-retries=1 --fetch-timeout=30000 >"$LOG" 2>&1; then
    cat "$LOG" >&2
    die "npm ci failed while installing @alicloud/pop-core into $PREFIX; is the npm registry reachable? (registry: $(npm config get registry 2>/dev/null || echo unknown); log: $LOG)"
  fi
  cp "$HERE/package-lock.json" "$STAMP"
fi

cd "$PREFIX"
export NODE_PATH="$PREFIX/node_modules${NODE_PATH:+:$NODE_PATH}"
exec node "$HERE/pop_core_interop.mjs" --essconf "$ESSCONF" --modules "$PREFIX"
