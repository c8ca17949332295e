// Oracle (round trip): any bytes parse without crashing; re-encoding the
// decoded pairs and parsing again gives the same names and values, with no issue.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "reference/wire/params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto first = essconf::wire::parse_params(input, essconf::wire::Origin::query);
  std::vector<essconf::wire::Pair> pairs;
  for (const auto& p : first.params) pairs.emplace_back(p.name, p.value);
  const auto encoded = essconf::wire::encode_pairs(pairs);
  const auto second = essconf::wire::parse_params(encoded, essconf::wire::Origin::query);
  if (second.params.size() != pairs.size()) std::abort();
  for (std::size_t i = 0; i < pairs.size(); ++i)
    if (second.params[i].name != pairs[i].first || second.params[i].value != pairs[i].second) std::abort();
  for (const auto& issue : second.issues)
    if (issue.kind == essconf::wire::IssueKind::bad_percent_escape) std::abort();
  return 0;
}
