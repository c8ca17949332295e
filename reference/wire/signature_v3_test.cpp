#include "reference/wire/signature_v3.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace essconf::wire {
namespace {

// The published ACS3-HMAC-SHA256 vector (research/ess-facts.md §2.5).
HttpRequest published_request() {
  HttpRequest r;
  r.method = "POST";
  r.target = "/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai";
  r.headers = {{"Host", "ecs.cn-shanghai.aliyuncs.com"},
               {"x-acs-action", "RunInstances"},
               {"x-acs-version", "2014-05-26"},
               {"x-acs-date", "2023-10-26T10:22:32Z"},
               {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
               {"x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}};
  return r;
}

std::vector<Pair> query_of(const HttpRequest& r) {
  std::vector<Pair> out;
  for (auto& p : parse_params(r.query(), Origin::query).params) out.emplace_back(p.name, p.value);
  return out;
}

const std::vector<std::string> kPublishedSigned{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
                                                "x-acs-signature-nonce", "x-acs-version"};

TEST(SignatureV3, PublishedVectorCanonicalRequestHash) {
  const auto r = published_request();
  EXPECT_EQ(hex_sha256(canonical_request_v3(r, query_of(r), kPublishedSigned)),
            "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
}

TEST(SignatureV3, PublishedVectorSignature) {
  const auto r = published_request();
  EXPECT_EQ(sign_v3(r, query_of(r), kPublishedSigned, "YourAccessKeySecret"),
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
}

TEST(SignatureV3, AddedAuthorizationParsesAndVerifies) {
  auto r = published_request();
  add_acs3_authorization(r, "YourAccessKeyId", "YourAccessKeySecret");
  const auto auth = parse_acs3_authorization(r.header("Authorization"));
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->credential, "YourAccessKeyId");
  EXPECT_EQ(auth->signed_headers, kPublishedSigned);
  EXPECT_EQ(auth->signature, "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
  EXPECT_TRUE(verify_v3(r, query_of(r), *auth, "YourAccessKeySecret"));
  EXPECT_FALSE(verify_v3(r, query_of(r), *auth, "YourAccessKeySecret&"));  // no '&' in V3
}

TEST(SignatureV3, EverySignedByteMatters) {
  auto r = published_request();
  r.body = "ScalingGroupId=asg-1";
  r.headers.erase(r.headers.end() - 1);  // recomputed from the body
  add_acs3_authorization(r, "id", "secret");
  const auto auth = *parse_acs3_authorization(r.header("Authorization"));
  ASSERT_TRUE(verify_v3(r, query_of(r), auth, "secret"));
  auto body = r;
  body.body += "x";
  EXPECT_FALSE(verify_v3(body, query_of(body), auth, "secret"));
  auto header = r;
  header.headers[1].value = "RemoveInstances";
  EXPECT_FALSE(verify_v3(header, query_of(header), auth, "secret"));
  auto query = r;
  query.target += "&Extra=1";
  EXPECT_FALSE(verify_v3(query, query_of(query), auth, "secret"));
  auto method = r;
  method.method = "GET";
  EXPECT_FALSE(verify_v3(method, query_of(method), auth, "secret"));
  auto unsigned_header = r;  // a header outside SignedHeaders may change
  unsigned_header.headers.push_back({"User-Agent", "x"});
  EXPECT_TRUE(verify_v3(unsigned_header, query_of(unsigned_header), auth, "secret"));
}

TEST(SignatureV3, HeaderValuesAreTrimmedAndNamesCaseInsensitive) {
  auto r = published_request();
  add_acs3_authorization(r, "id", "secret");
  const auto auth = *parse_acs3_authorization(r.header("Authorization"));
  auto spaced = r;
  spaced.headers[1] = {"X-Acs-Action", "  RunInstances\t"};
  EXPECT_TRUE(verify_v3(spaced, query_of(spaced), auth, "secret"));
}

TEST(SignatureV3, AuthorizationParsing) {
  EXPECT_FALSE(parse_acs3_authorization("Bearer x"));
  EXPECT_FALSE(parse_acs3_authorization("ACS3-HMAC-SHA256X Credential=a"));
  const auto a = parse_acs3_authorization("ACS3-HMAC-SHA256 Credential=ak, SignedHeaders=Host;x-acs-date ,Signature=ab");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->credential, "ak");
  EXPECT_EQ(a->signed_headers, (std::vector<std::string>{"host", "x-acs-date"}));
  EXPECT_EQ(a->signature, "ab");
  const auto empty = parse_acs3_authorization("ACS3-HMAC-SHA256");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->credential.empty());
  EXPECT_TRUE(empty->signed_headers.empty());
}

}  // namespace
}  // namespace essconf::wire
