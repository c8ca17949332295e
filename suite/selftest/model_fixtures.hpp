// Worlds and requests for the tests of the model and of the layers above it
// (test code only, so it lives outside reference/): a base World with one
// group of each ScalingPolicy, and a request builder that writes real wire
// bytes.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reference/model/model.hpp"
#include "reference/wire/params.hpp"
#include "reference/wire/signature.hpp"
#include "reference/wire/signature_v3.hpp"

namespace essconf::model::testing {

inline constexpr std::int64_t kNow = 1'790'000'000;  // 2026-09-21T...Z, the tests' clock

// asg-main (release, MinSize 1, 3 AutoCreated + 1 Attached, an active load
// balancer and a running database) and asg-recycle (recycle, MinSize 0);
// i-free is in ECS but in no group; act-old is a finished activity of asg-main.
inline World base_world() {
  World w;
  w.region_id = "cn-hangzhou";
  for (const char* id : {"i-auto1", "i-auto2", "i-auto3", "i-manual1", "i-r1", "i-r2", "i-r3", "i-free"})
    w.ecs.push_back({id, EcsStatus::running});
  ScalingGroup main;
  main.id = "asg-main";
  main.min_size = 1;
  main.max_size = 10;
  main.load_balancers = {{"lb-1", LoadBalancerStatus::active}};
  main.db_instances = {{"rm-1", "Running"}};
  main.members = {{"i-auto1", CreationType::auto_created, MemberState::in_service},
                  {"i-auto2", CreationType::auto_created, MemberState::in_service},
                  {"i-auto3", CreationType::auto_created, MemberState::in_service},
                  {"i-manual1", CreationType::attached, MemberState::in_service}};
  ScalingGroup recycle;
  recycle.id = "asg-recycle";
  recycle.policy = ScalingPolicy::recycle;
  recycle.min_size = 0;
  recycle.max_size = 5;
  recycle.members = {{"i-r1", CreationType::auto_created, MemberState::in_service},
                     {"i-r2", CreationType::auto_created, MemberState::in_service},
                     {"i-r3", CreationType::attached, MemberState::in_service}};
  w.groups = {main, recycle};
  w.activities = {{"act-old", "asg-main", ActivityStatus::successful, std::nullopt, std::nullopt}};
  w.auth.keys = {{"LTAI-good", "s3cr3t", true}, {"LTAI-denied", "d3n13d", false}};
  return w;
}

// A request as ordered pairs, written to the wire by build().
class Req {
 public:
  Req() {
    pairs_ = {{"Action", "RemoveInstances"}, {"Version", "2014-08-28"}, {"Format", "JSON"},
              {"ScalingGroupId", "asg-main"}, {"InstanceId.1", "i-auto1"}};
  }
  static Req empty() {
    Req r;
    r.pairs_.clear();
    return r;
  }
  Req& set(const std::string& name, const std::string& value) {
    for (auto& p : pairs_)
      if (p.first == name) {
        p.second = value;
        return *this;
      }
    pairs_.emplace_back(name, value);
    return *this;
  }
  Req& add(const std::string& name, const std::string& value) {
    pairs_.emplace_back(name, value);
    return *this;
  }
  Req& drop(const std::string& name) {
    std::erase_if(pairs_, [&](const wire::Pair& p) { return p.first == name; });
    return *this;
  }
  // Replaces every InstanceId.N with InstanceId.1..n = ids.
  Req& ids(const std::vector<std::string>& ids) {
    std::erase_if(pairs_, [](const wire::Pair& p) { return p.first.starts_with("InstanceId."); });
    for (std::size_t i = 0; i < ids.size(); ++i) pairs_.emplace_back("InstanceId." + std::to_string(i + 1), ids[i]);
    return *this;
  }
  Req& method(std::string m) {
    method_ = std::move(m);
    return *this;
  }
  Req& form() {  // POST with every parameter in a form body
    method_ = "POST";
    form_ = true;
    return *this;
  }
  Req& split() {  // POST: Action, Version, Format, RegionId and the signature parameters in the query, the rest in a form body
    method_ = "POST";
    form_ = true;
    split_ = true;
    return *this;
  }
  Req& path(std::string p) {
    path_ = std::move(p);
    return *this;
  }
  Req& raw_query(std::string q) {  // appended verbatim after the encoded pairs
    raw_ = std::move(q);
    return *this;
  }
  // Adds the common signature parameters and a v1 Signature made with `secret`.
  Req& sign(const std::string& key_id, const std::string& secret, const std::string& nonce,
            std::int64_t timestamp = kNow) {
    return sign_at(key_id, secret, nonce, format_timestamp(timestamp));
  }
  Req& sign_at(const std::string& key_id, const std::string& secret, const std::string& nonce,
               const std::string& timestamp) {
    set("AccessKeyId", key_id).set("SignatureMethod", "HMAC-SHA1").set("SignatureVersion", "1.0");
    set("SignatureNonce", nonce).set("Timestamp", timestamp);
    drop("Signature");
    pairs_.emplace_back("Signature", wire::sign_v1(method_, pairs_, secret));
    return *this;
  }
  // Signs ACS3-HMAC-SHA256 (V3) when built, as openapi-client's callApi does:
  // Action and Version leave the parameters for x-acs-action and
  // x-acs-version; x-acs-date, x-acs-signature-nonce, Host and the
  // Authorization header are added.
  Req& sign_v3(const std::string& key_id, const std::string& secret, const std::string& nonce,
               std::int64_t timestamp = kNow) {
    v3_ = V3{key_id, secret, nonce, format_timestamp(timestamp)};
    return *this;
  }
  wire::HttpRequest build() const {
    if (v3_) return build_v3();
    wire::HttpRequest r;
    r.method = method_;
    std::string encoded = wire::encode_pairs(pairs_);
    if (!raw_.empty()) encoded += (encoded.empty() ? "" : "&") + raw_;
    if (split_) {
      std::vector<wire::Pair> query, body;
      for (const auto& p : pairs_)
        (p.first == "Action" || p.first == "Version" || p.first == "Format" || p.first == "RegionId" ||
                 p.first == "AccessKeyId" || p.first == "Timestamp" || p.first.starts_with("Signature")
             ? query
             : body)
            .push_back(p);
      r.target = path_ + "?" + wire::encode_pairs(query);
      r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
      r.body = wire::encode_pairs(body);
    } else if (form_) {
      r.target = path_;
      r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
      r.body = encoded;
    } else {
      r.target = path_ + "?" + encoded;
    }
    return r;
  }

 private:
  struct V3 {
    std::string key_id, secret, nonce, date;
  };
  wire::HttpRequest build_v3() const {
    Req plain = *this;
    plain.v3_.reset();
    std::vector<wire::Header> headers = {{"Host", "127.0.0.1:8080"}};
    for (const auto& p : pairs_) {
      if (p.first == "Action") headers.push_back({"x-acs-action", p.second});
      if (p.first == "Version") headers.push_back({"x-acs-version", p.second});
    }
    headers.push_back({"x-acs-date", v3_->date});
    headers.push_back({"x-acs-signature-nonce", v3_->nonce});
    wire::HttpRequest r = plain.drop("Action").drop("Version").build();
    r.headers.insert(r.headers.begin(), headers.begin(), headers.end());
    wire::add_acs3_authorization(r, v3_->key_id, v3_->secret);
    return r;
  }

  std::optional<V3> v3_;
  std::vector<wire::Pair> pairs_;
  std::string method_ = "GET";
  std::string path_ = "/";
  std::string raw_;
  bool form_ = false;
  bool split_ = false;
};

inline Context context(const NonceLedger* nonces = nullptr) {
  return Context{kNow, 0, nonces};
}

}  // namespace essconf::model::testing
