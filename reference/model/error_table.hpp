// The documentation's error table (spec/RemoveInstances.md, "Error codes"),
// one row per documented error with the clause it belongs to. The rules
// (rules.cpp), documented_error_clause, the self-test faults and readings
// read their status, code and messages from here, and from nowhere else.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace essconf::model {

struct DocumentedError {
  std::string_view clause;
  int status = 0;
  std::string_view code;
  // The documented message; "{}" stands for the id the page writes as "XXX".
  std::string_view message;
  // Other spellings the documentation has published for the same message
  // (the 2018 page's curly quotes), "{}" likewise.
  std::string_view other_spelling;
  // The code is answered by other rules too (InvalidParameter), so it does
  // not name this row's clause.
  bool shared_code = false;

  // Every accepted message for `id` (the documented one first); `id` is
  // ignored by rows whose message names none.
  std::vector<std::string> messages(std::string_view id = {}) const;
};

// The table, in the page's order.
std::span<const DocumentedError> documented_errors() noexcept;

// The row of `clause`; nullptr when the clause has no row of its own.
const DocumentedError* documented_error(std::string_view clause) noexcept;

// The clause whose rule answers with this error code, for the codes of the
// table that belong to one rule only (not InvalidParameter, which many rules
// answer); nullopt for any other code.
std::optional<std::string_view> documented_error_clause(std::string_view code) noexcept;

// The clause whose rule answers with this code, for the RPC gateway's codes
// (research/ess-facts.md, rules.cpp's conventions) that one rule only answers
// with: SignatureDoesNotMatch is rpc.signature's, SignatureNonceUsed
// rpc.nonce's, InvalidTimeStamp.Expired rpc.timestamp's, NoSuchVersion
// rpc.version's. nullopt for a code several rules share (MissingParameter,
// IncompleteSignature, InvalidAction.NotFound) and for any other code.
std::optional<std::string_view> gateway_error_clause(std::string_view code) noexcept;

// The one rule a refusal with this code names: documented_error_clause, else
// gateway_error_clause.
std::optional<std::string_view> refusal_rule_clause(std::string_view code) noexcept;

}  // namespace essconf::model
