// What is known of the SignatureNonces a target has seen (rpc.nonce).
//
// The documentation says only that a nonce is used once. It leaves open when a
// nonce counts as used (once its signature verifies, or only once the call
// succeeds) and in which key space (per AccessKeyId, or global). So a nonce
// whose call succeeded is used for that key in every reading, and a nonce that
// was only verified, or used by another key, is used in some readings only
// (docs/ambiguities.md, rpc.nonce). The reference server keeps one of these
// too: its own reading is the widest (any nonce it ever verified, any key).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <tuple>

namespace essconf::model {

// A signed request whose signature verified: its key and nonce.
struct NonceUse {
  std::string key_id;
  std::string nonce;
  friend bool operator==(const NonceUse&, const NonceUse&) = default;
};

class NonceLedger {
 public:
  // The request `use` was answered; `succeeded`: with a success.
  void record(const NonceUse& use, bool succeeded) { entries_.emplace(use.nonce, use.key_id, succeeded); }
  // Used in every reading: a call with this key and nonce succeeded.
  bool used_by_success(std::string_view key_id, std::string_view nonce) const {
    return entries_.count(Entry(std::string(nonce), std::string(key_id), true)) != 0;
  }
  // Used in some reading: any verified call, any key, carried this nonce.
  bool seen(std::string_view nonce) const {
    auto it = entries_.lower_bound(Entry(std::string(nonce), std::string(), false));
    return it != entries_.end() && std::get<0>(*it) == nonce;
  }
  // Used in the per-key reading: a verified call with this key carried it.
  bool seen_by(std::string_view key_id, std::string_view nonce) const {
    return entries_.count(Entry(std::string(nonce), std::string(key_id), false)) != 0 || used_by_success(key_id, nonce);
  }
  // Used in the on-success reading: a call with it succeeded, any key.
  bool succeeded_with(std::string_view nonce) const {
    for (auto it = entries_.lower_bound(Entry(std::string(nonce), std::string(), false));
         it != entries_.end() && std::get<0>(*it) == nonce; ++it)
      if (std::get<2>(*it)) return true;
    return false;
  }
  void forget(std::string_view nonce) {
    auto it = entries_.lower_bound(Entry(std::string(nonce), std::string(), false));
    while (it != entries_.end() && std::get<0>(*it) == nonce) it = entries_.erase(it);
  }
  void clear() { entries_.clear(); }
  bool empty() const { return entries_.empty(); }

 private:
  using Entry = std::tuple<std::string, std::string, bool>;  // nonce, key, succeeded
  std::set<Entry> entries_;
};

}  // namespace essconf::model
