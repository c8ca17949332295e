#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script (.clusterfuzzlite/build.sh calls it).
# Follows OSS-Fuzz's conventions: compiles with $CXX and $CXXFLAGS (which carry
# the sanitizer and coverage flags), links the fuzz targets with
# $LIB_FUZZING_ENGINE, and puts into $OUT each fuzz_* binary with its
# .options, its dictionary and <name>_seed_corpus.zip. Scratch goes to $WORK.
#
# OSS-Fuzz compiles C++ against libc++, so C++ libraries from distribution
# packages (built against libstdc++) cannot be linked. When $SRC/deps holds
# their sources (the Dockerfile fetches them), they are built first with the
# same compiler and flags into $WORK/deps: Boost 1.81 (JSON), fmt, pugixml,
# CLI11, RapidCheck. Without $SRC/deps the installed packages are used, which
# is how this script is tried outside Docker:
#   CXX=clang++ CXXFLAGS="-O1 -fsanitize=address,fuzzer-no-link" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out WORK=/tmp/work SRC=/nowhere fuzz/build.sh
src=$(cd "$(dirname "$0")/.." && pwd)
deps_src=${SRC:-/nowhere}/deps
prefix=$WORK/deps
jobs=$(nproc)

cmake_dep() {  # cmake_dep NAME CMAKE-ARGS...
  local name=$1; shift
  cmake -S "$deps_src/$name" -B "$WORK/build-$name" -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DBUILD_SHARED_LIBS=OFF "$@"
  cmake --build "$WORK/build-$name" -j"$jobs"
  cmake --install "$WORK/build-$name"
}

if [[ -d $deps_src ]]; then
  cmake_dep fmt -DFMT_TEST=OFF -DFMT_DOC=OFF
  cmake_dep pugixml -DPUGIXML_BUILD_TESTS=OFF
  cmake_dep CLI11 -DCLI11_BUILD_TESTS=OFF -DCLI11_BUILD_EXAMPLES=OFF -DCLI11_BUILD_DOCS=OFF
  cmake_dep rapidcheck -DRC_ENABLE_TESTS=OFF -DRC_ENABLE_EXAMPLES=OFF
  (
    cd "$deps_src/boost_1_81_0"
    echo "using clang : ossfuzz : $CXX ;" >"$WORK/user-config.jam"
    ./bootstrap.sh --with-toolset=clang
    ./b2 --user-config="$WORK/user-config.jam" toolset=clang-ossfuzz cxxflags="$CXXFLAGS" linkflags="$CXXFLAGS" \
      link=static variant=release threading=multi --with-json --prefix="$prefix" -j"$jobs" install
  )
fi

cmake -S "$src" -B "$WORK/essconf" -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DCMAKE_PREFIX_PATH="$prefix" \
  -DESSCONF_FUZZ=ON -DESSCONF_SANITIZE=OFF -DESSCONF_BUILD_TESTS=OFF -DESSCONF_BENCH=OFF -DESSCONF_INTEROP=OFF \
  -DESSCONF_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"
fuzzers=$(cd "$src/fuzz" && ls fuzz_*.cpp | sed 's/\.cpp$//')
# shellcheck disable=SC2086  # one word per harness
cmake --build "$WORK/essconf" -j"$jobs" --target $fuzzers

mkdir -p "$OUT"
for f in $fuzzers; do
  cp "$WORK/essconf/fuzz/$f" "$src/fuzz/$f.options" "$src/fuzz/dict/$f.dict" "$OUT/"
  rm -f "$OUT/${f}_seed_corpus.zip"
  (cd "$src/fuzz/corpus/$f" && zip -q -X "$OUT/${f}_seed_corpus.zip" ./*)
done
