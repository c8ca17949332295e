#include "reference/wire/signature.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "reference/wire/params.hpp"

// Vectors from /work/shared/research/ess-facts.md section 2.4 and the pop-core
// capture in toolchain.md.
namespace essconf::wire {
namespace {

// The common parameters of the derived RemoveInstances vectors (A, B, C).
std::vector<Pair> remove_instances_common() {
  return {{"AccessKeyId", "testid"},
          {"Action", "RemoveInstances"},
          {"RegionId", "cn-hangzhou"},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
          {"SignatureVersion", "1.0"},
          {"Timestamp", "2016-02-23T12:46:24Z"},
          {"Version", "2014-08-28"}};
}

void set_param(std::vector<Pair>& pairs, const std::string& name, const std::string& value) {
  for (Pair& p : pairs) {
    if (p.first == name) {
      p.second = value;
      return;
    }
  }
  pairs.emplace_back(name, value);
}

void erase_param(std::vector<Pair>& pairs, const std::string& name) {
  std::erase_if(pairs, [&](const Pair& p) { return p.first == name; });
}

std::vector<Pair> vector_v1() {
  return {{"AccessKeyId", "testid"},
          {"Action", "DescribeRegions"},
          {"Format", "XML"},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
          {"SignatureVersion", "1.0"},
          {"Timestamp", "2016-02-23T12:46:24Z"},
          {"Version", "2014-05-26"}};
}

std::vector<Pair> vector_v4() {
  return {{"AccessKeyId", "accessKeyId"}, {"Action", ""},
          {"Format", "JSON"},             {"RegionId", "regionId"},
          {"SignatureMethod", "HMAC-SHA1"}, {"SignatureNonce", "MOCK_UUID"},
          {"SignatureType", ""},          {"SignatureVersion", "1.0"},
          {"Timestamp", "mock date"},     {"Version", ""}};
}

TEST(SignatureV1, PublishedVectorV1EcsDescribeRegions) {
  const auto pairs = vector_v1();
  EXPECT_EQ(string_to_sign("GET", pairs),
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26"
            "SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-"
            "4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z"
            "%26Version%3D2014-05-26");
  EXPECT_EQ(sign_v1("GET", pairs, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  EXPECT_EQ(percent_encode(sign_v1("GET", pairs, "testsecret")),
            "OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D");
}

TEST(SignatureV1, PublishedVectorV2EssDescribeScalingGroupsWithTimeStampSic) {
  std::vector<Pair> pairs = {{"AccessKeyId", "testid"},
                             {"Action", "DescribeScalingGroups"},
                             {"Format", "xml"},
                             {"RegionId", "cn-qingdao"},
                             {"SignatureMethod", "HMAC-SHA1"},
                             {"SignatureNonce", "1324fd0e-e2bb-4bb1-917c-bd6e437f1710"},
                             {"SignatureVersion", "1.0"},
                             {"TimeStamp", "2014-08-15T11:10:07Z"},
                             {"Version", "2014-08-28"}};
  EXPECT_EQ(sign_v1("GET", pairs, "testsecret"), "SmhZuLUnXmqxSEZ/GqyiwGqmf+M=");
  erase_param(pairs, "TimeStamp");
  set_param(pairs, "Timestamp", "2014-08-15T11:10:07Z");
  EXPECT_EQ(sign_v1("GET", pairs, "testsecret"), "qlSomeBEiury9fafnpLRfOykPmo=");
}

TEST(SignatureV1, PublishedVectorV3EcsDescribeDedicatedHosts) {
  const std::vector<Pair> pairs = {{"AccessKeyId", "testid"},
                                   {"Action", "DescribeDedicatedHosts"},
                                   {"Format", "JSON"},
                                   {"RegionId", "cn-beijing"},
                                   {"SignatureMethod", "HMAC-SHA1"},
                                   {"SignatureNonce", "edb2b34af0af9a6d14deaf7c1a5315eb"},
                                   {"SignatureVersion", "1.0"},
                                   {"Timestamp", "2023-03-13T08:34:30Z"},
                                   {"Version", "2014-05-26"}};
  EXPECT_EQ(sign_v1("GET", pairs, "testsecret"), "9NaGiOspFP5UPcwX8Iwt2YJXXuk=");
}

TEST(SignatureV1, PublishedVectorV4GoSdkEmptyValuesAndSpace) {
  const auto pairs = vector_v4();
  const std::string sts = string_to_sign("GET", pairs);
  const std::string tail = "Timestamp%3Dmock%2520date%26Version%3D";
  ASSERT_GE(sts.size(), tail.size());
  EXPECT_EQ(sts.substr(sts.size() - tail.size()), tail);
  EXPECT_NE(sts.find("%26Action%3D%26"), std::string::npos);
  EXPECT_NE(sts.find("%26SignatureType%3D%26"), std::string::npos);
  EXPECT_EQ(sign_v1("GET", pairs, "accessKeySecret"), "7loPmFjvDnzOVnQeQNj85S6nFGY=");
}

TEST(SignatureV1, PublishedVectorV5GoSdkWithSecurityToken) {
  auto pairs = vector_v4();
  pairs.emplace_back("SecurityToken", "accessKeyStsToken");
  EXPECT_EQ(sign_v1("GET", pairs, "accessKeySecret"), "5Nxdcler+ihqWqv0Hr2On4PsBf4=");
}

TEST(SignatureV1, GoSdkCanonicalizationEmptyRequest) {
  EXPECT_EQ(string_to_sign("GET", {}), "GET&%2F&");
  EXPECT_EQ(canonicalized_query({}), "");
}

TEST(SignatureV1, GoSdkCanonicalizationKeyValue) {
  const std::vector<Pair> pairs = {{"key", "value"}};
  EXPECT_EQ(string_to_sign("GET", pairs), "GET&%2F&key%3Dvalue");
}

TEST(SignatureV1, GoSdkCanonicalizationUrlValue) {
  const std::vector<Pair> pairs = {{"q", "http://domain/?q=value&q2=value2"}};
  EXPECT_EQ(string_to_sign("GET", pairs),
            "GET&%2F&q%3Dhttp%253A%252F%252Fdomain%252F%253Fq%253Dvalue%2526q2%253Dvalue2");
}

TEST(SignatureV1, DerivedVectorARemoveInstancesGet) {
  auto pairs = remove_instances_common();
  set_param(pairs, "Format", "XML");
  set_param(pairs, "InstanceId.1", "i-28wt4****");
  set_param(pairs, "ScalingGroupId", "asg-bp18p2yfxow2dloq****");
  EXPECT_NE(string_to_sign("GET", pairs).find("i-28wt4%252A%252A%252A%252A"), std::string::npos);
  EXPECT_EQ(sign_v1("GET", pairs, "testsecret"), "mOcspt7cX98L0SdzFmZrzxgjJWM=");
}

TEST(SignatureV1, DerivedVectorARemoveInstancesPost) {
  auto pairs = remove_instances_common();
  set_param(pairs, "Format", "XML");
  set_param(pairs, "InstanceId.1", "i-28wt4****");
  set_param(pairs, "ScalingGroupId", "asg-bp18p2yfxow2dloq****");
  EXPECT_EQ(string_to_sign("POST", pairs).substr(0, 9), "POST&%2F&");
  EXPECT_EQ(sign_v1("POST", pairs, "testsecret"), "whEixSqI5y/2YIUmRxKRFwdO5vg=");
}

std::vector<Pair> vector_b() {
  auto pairs = remove_instances_common();
  // Deliberately not in canonical order: sorting is the signer's job.
  for (int i = 10; i >= 1; --i) {
    set_param(pairs, "InstanceId." + std::to_string(i), std::string("i-") + static_cast<char>('a' + i - 1));
  }
  set_param(pairs, "DecreaseDesiredCapacity", "true");
  set_param(pairs, "RemovePolicy", "release");
  set_param(pairs, "Format", "JSON");
  set_param(pairs, "ScalingGroupId", "asg-bp18p2yfxow2dloq0000");
  return pairs;
}

TEST(SignatureV1, DerivedVectorBTenInstancesGet) {
  const auto pairs = vector_b();
  const std::string canonical = canonicalized_query(pairs);
  EXPECT_NE(canonical.find("InstanceId.1=i-a&InstanceId.10=i-j&InstanceId.2=i-b"),
            std::string::npos)
      << canonical;
  EXPECT_EQ(sign_v1("GET", pairs, "testsecret"), "aCIC6k9rfETeug5aCW/OrHhj8PU=");
}

TEST(SignatureV1, DerivedVectorBTenInstancesPost) {
  EXPECT_EQ(sign_v1("POST", vector_b(), "testsecret"), "f2RwVWnYUgJdbPly5k5XwWJvJ+4=");
}

std::vector<Pair> vector_c() {
  auto pairs = remove_instances_common();
  erase_param(pairs, "RegionId");
  set_param(pairs, "InstanceId.1", "i-a b*c~/\xC3\xA9");
  set_param(pairs, "ScalingGroupId", "asg-x");
  set_param(pairs, "SignatureNonce", "n1");
  set_param(pairs, "Format", "XML");
  return pairs;
}

TEST(SignatureV1, DerivedVectorCEncodingEdgeWithoutRegionId) {
  const auto pairs = vector_c();
  EXPECT_NE(canonicalized_query(pairs).find("InstanceId.1=i-a%20b%2Ac~%2F%C3%A9&"),
            std::string::npos);
  EXPECT_EQ(sign_v1("GET", pairs, "testsecret"), "7dIzy0ebSKZGlWfbj2Jy0VdbqGg=");
}

TEST(SignatureV1, DerivedVectorCEncodingEdgeWithRegionId) {
  auto pairs = vector_c();
  set_param(pairs, "RegionId", "cn-hangzhou");
  EXPECT_EQ(sign_v1("GET", pairs, "testsecret"), "7N9+OC0L2zRcedSi+snHmGnj6kk=");
}

constexpr std::string_view kPopCoreQuery =
    "AccessKeyId=testid&Action=RemoveInstances&Format=JSON&InstanceId.1=i-1&"
    "ScalingGroupId=asg-x&SignatureMethod=HMAC-SHA1&"
    "SignatureNonce=a6bec6cfa3ca103a71ca0340ff89a64b&SignatureVersion=1.0&"
    "Timestamp=2026-11-26T03%3A19%3A08Z&Version=2014-08-28&"
    "Signature=X1cPbCU1oYZIqvEPZVRKA0EOFWU%3D";

std::vector<Pair> decoded_pairs(std::string_view query) {
  std::vector<Pair> pairs;
  for (const Param& p : parse_params(query, Origin::query).params) pairs.emplace_back(p.name, p.value);
  return pairs;
}

TEST(SignatureV1, PopCoreCapturedRemoveInstances) {
  const auto pairs = decoded_pairs(kPopCoreQuery);
  ASSERT_EQ(pairs.size(), 11u);
  EXPECT_EQ(pairs.back().second, "X1cPbCU1oYZIqvEPZVRKA0EOFWU=");
  // The captured Signature pair is among the input and must not be signed.
  EXPECT_EQ(sign_v1("GET", pairs, "testsecret"), "X1cPbCU1oYZIqvEPZVRKA0EOFWU=");
  EXPECT_TRUE(verify_v1("GET", pairs, "testsecret", pairs.back().second));
}

TEST(SignatureV1, SignaturePairIsIgnored) {
  auto pairs = vector_v1();
  pairs.emplace_back("Signature", "anything");
  EXPECT_EQ(sign_v1("GET", pairs, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  EXPECT_EQ(canonicalized_query(pairs), canonicalized_query(vector_v1()));
}

TEST(SignatureV1, SortsByByteOrderThenByValue) {
  const std::vector<Pair> pairs = {{"\xC3\xA9", "1"}, {"b", "2"}, {"b", "1"}, {"B", "0"}};
  EXPECT_EQ(canonicalized_query(pairs), "B=0&b=1&b=2&%C3%A9=1");
}

// HMAC-SHA1 with the bare secret as key: what a client that forgot the "&" sends.
std::string sign_without_ampersand(std::string_view method, std::span<const Pair> pairs,
                                   std::string_view secret) {
  const std::string data = string_to_sign(method, pairs);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(), &len);
  std::array<unsigned char, 64> out{};
  const int n = EVP_EncodeBlock(out.data(), digest.data(), static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

TEST(VerifyV1, AcceptsTheRightSignature) {
  EXPECT_TRUE(verify_v1("GET", vector_v1(), "testsecret", "OLeaidS1JvxuMvnyHOwuJ+uX5qY="));
}

TEST(VerifyV1, RejectsEveryOneCharFlip) {
  const std::string good = "OLeaidS1JvxuMvnyHOwuJ+uX5qY=";
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_v1("GET", vector_v1(), "testsecret", bad)) << bad;
  }
}

TEST(VerifyV1, RejectsWrongSecretMethodAndLength) {
  const std::string good = "OLeaidS1JvxuMvnyHOwuJ+uX5qY=";
  EXPECT_FALSE(verify_v1("GET", vector_v1(), "testsecreT", good));
  EXPECT_FALSE(verify_v1("GET", vector_v1(), "testsecret&", good));
  EXPECT_FALSE(verify_v1("POST", vector_v1(), "testsecret", good));
  EXPECT_FALSE(verify_v1("get", vector_v1(), "testsecret", good));
  EXPECT_FALSE(verify_v1("GET", vector_v1(), "testsecret", ""));
  EXPECT_FALSE(verify_v1("GET", vector_v1(), "testsecret", good.substr(0, 27)));
  EXPECT_FALSE(verify_v1("GET", vector_v1(), "testsecret", good + "="));
  EXPECT_FALSE(verify_v1("GET", vector_v1(), "testsecret", "OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"));
}

TEST(VerifyV1, RejectsTheRightSecretWithoutTheAmpersandConvention) {
  const std::string bare = sign_without_ampersand("GET", vector_v1(), "testsecret");
  ASSERT_EQ(bare.size(), 28u);
  EXPECT_NE(bare, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  EXPECT_FALSE(verify_v1("GET", vector_v1(), "testsecret", bare));
}

}  // namespace
}  // namespace essconf::wire
