#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz entry point; the build itself is fuzz/build.sh,
# which can be run by hand too (docs/fuzzing.md).
exec "$SRC/essconf/fuzz/build.sh"
