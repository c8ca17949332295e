// Self-test readings: the mirror of the faults. Each makes the reference
// server answer differently where the documentation is open (a reading the
// ledger, docs/ambiguities.md, accepts) or leaves a freedom (framing, body
// layout, precedence, nonce bookkeeping), so the suite can prove it passes
// every legitimate implementation (`essconf serve --reading NAME`, listed by
// `--list-readings`). Readings combine; all are one ServiceHook.
#pragma once

#include <bitset>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "reference/server/service_hook.hpp"

namespace essconf::selftest {

enum class Reading {
  xml_default,
  malformed_default_format,
  gaps_served,
  duplicates_once,
  duplicate_first_wins,
  duplicate_last_wins,
  region_other_not_found,
  capacity_stable_only,
  transitional_removable,
  protected_refused,
  any_path,
  version_optional,
  reverse_precedence,
  members_before_state,
  missing_gateway_codes,
  nonce_per_key,
  nonce_on_success,
  signature_403,
  not_found_400,
  xml_declaration_toggled,
  xml_namespace,
  xml_cdata,
  json_pretty,
  application_xml,
  close_every_response,
  undeclared_refused,
  chunked_responses,
  signature_v1_only,
  count_  // not a reading
};

struct ReadingInfo {
  Reading reading;
  std::string_view name;    // the --reading spelling
  std::string_view clause;  // the open clause (or freedom) it reads
  std::string_view what;    // what the server then does, for a person
};

const std::vector<ReadingInfo>& reading_catalog();
std::optional<Reading> reading_named(std::string_view name);

using ReadingSet = std::bitset<static_cast<std::size_t>(Reading::count_)>;
ReadingSet reading_set(std::initializer_list<Reading> readings);

// The hooks for a set of readings: none for the empty set (the reference).
server::ServiceHooks reading_hooks(ReadingSet set);

}  // namespace essconf::selftest
