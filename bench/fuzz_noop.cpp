// A harness that does nothing: libFuzzer's own ceiling, the baseline of each
// harness's exec/s in scripts/bench.
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
