#include "reference/wire/http_request.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace essconf::wire {
namespace {

using namespace std::string_literals;

HttpRequest with_headers(std::vector<Header> headers) {
  HttpRequest r;
  r.headers = std::move(headers);
  return r;
}

TEST(HttpRequest, HeaderLookupIsCaseInsensitiveAndTakesTheFirst) {
  const HttpRequest r = with_headers({{"Host", "h1"}, {"X-Acs-Action", "RemoveInstances"},
                                      {"host", "h2"}, {"Empty", ""}});
  EXPECT_EQ(r.header("HOST"), "h1");
  EXPECT_EQ(r.header("x-acs-action"), "RemoveInstances");
  EXPECT_EQ(r.header("Missing"), "");
  EXPECT_TRUE(r.has_header("empty"));
  EXPECT_EQ(r.header("empty"), "");
  EXPECT_FALSE(r.has_header("Missing"));
  EXPECT_FALSE(r.has_header("Hos"));
}

TEST(HttpRequest, PathAndQuerySplitAtFirstQuestionMark) {
  HttpRequest r;
  r.target = "/a/b?x=1?y=2";
  EXPECT_EQ(r.path(), "/a/b");
  EXPECT_EQ(r.query(), "x=1?y=2");
  r.target = "/no-query";
  EXPECT_EQ(r.path(), "/no-query");
  EXPECT_EQ(r.query(), "");
  r.target = "/?";
  EXPECT_EQ(r.path(), "/");
  EXPECT_EQ(r.query(), "");
  r.target = "?Action=RemoveInstances";
  EXPECT_EQ(r.path(), "");
  EXPECT_EQ(r.query(), "Action=RemoveInstances");
}

TEST(HttpRequest, FormBodyByMediaType) {
  EXPECT_TRUE(with_headers({{"Content-Type", "application/x-www-form-urlencoded"}}).has_form_body());
  EXPECT_TRUE(with_headers({{"content-type", "Application/X-WWW-Form-Urlencoded; charset=UTF-8"}})
                  .has_form_body());
  EXPECT_TRUE(with_headers({{"Content-Type", " application/x-www-form-urlencoded ;charset=utf-8"}})
                  .has_form_body());
  EXPECT_FALSE(with_headers({{"Content-Type", "text/plain"}}).has_form_body());
  EXPECT_FALSE(with_headers({{"Content-Type", "application/x-www-form-urlencodedx"}}).has_form_body());
  EXPECT_FALSE(with_headers({{"Content-Type", "multipart/form-data; boundary=x"}}).has_form_body());
  EXPECT_FALSE(with_headers({}).has_form_body());
}

TEST(ToHttpBytes, RequestLineHeadersInOrderAndBody) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/?Action=RemoveInstances";
  r.headers = {{"Host", "127.0.0.1:8080"},
               {"Content-Type", "application/x-www-form-urlencoded"},
               {"content-length", "16"}};
  r.body = "InstanceId.1=i-1";
  EXPECT_EQ(to_http_bytes(r),
            "POST /?Action=RemoveInstances HTTP/1.1\r\n"
            "Host: 127.0.0.1:8080\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "content-length: 16\r\n"
            "\r\n"
            "InstanceId.1=i-1");
}

TEST(ToHttpBytes, AddsNothingOfItsOwn) {
  HttpRequest r;
  EXPECT_EQ(to_http_bytes(r), "GET / HTTP/1.1\r\n\r\n");
  r.body = "a\0b"s;
  EXPECT_EQ(to_http_bytes(r), "GET / HTTP/1.1\r\n\r\na\0b"s);
}

TEST(ToCurl, PlainGet) {
  HttpRequest r;
  r.target = "/?Action=RemoveInstances&InstanceId.1=i-1";
  r.headers = {{"Host", "127.0.0.1:8080"}, {"x-acs-action", "RemoveInstances"}};
  EXPECT_EQ(to_curl(r, "http://127.0.0.1:8080"),
            "curl -sS -i -X 'GET' -H 'Host: 127.0.0.1:8080' -H 'x-acs-action: RemoveInstances'"
            " --globoff --path-as-is 'http://127.0.0.1:8080/?Action=RemoveInstances&InstanceId.1=i-1'");
}

TEST(ToCurl, PostWithFormBody) {
  HttpRequest r;
  r.method = "POST";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "InstanceId.1=i-1&ScalingGroupId=asg-x";
  EXPECT_EQ(to_curl(r, "http://h"),
            "curl -sS -i -X 'POST' -H 'Content-Type: application/x-www-form-urlencoded'"
            " --data-binary 'InstanceId.1=i-1&ScalingGroupId=asg-x' --globoff --path-as-is 'http://h/'");
}

TEST(ToCurl, SingleQuoteInTarget) {
  HttpRequest r;
  r.target = "/?a=it's";
  EXPECT_EQ(to_curl(r, "http://h"),
            "curl -sS -i -X 'GET' --globoff --path-as-is 'http://h/?a=it'\\''s'");
}

TEST(ToCurl, EmptyHeaderValueAndBodyWithoutContentType) {
  HttpRequest r;
  r.method = "PUT";
  r.headers = {{"X-Empty", ""}};
  r.body = "x";
  EXPECT_EQ(to_curl(r, "http://h"),
            "curl -sS -i -X 'PUT' -H 'X-Empty;' -H 'Content-Type:' --data-binary 'x'"
            " --globoff --path-as-is 'http://h/'");
}

TEST(ToCurl, BinaryBodyGoesThroughPrintfOnStdin) {
  HttpRequest r;
  r.method = "POST";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "a=\0%\\'\xFF"s;
  EXPECT_EQ(to_curl(r, "http://h"),
            "printf 'a=\\000%%\\\\'\\''\\377' | curl -sS -i -X 'POST'"
            " -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @-"
            " --globoff --path-as-is 'http://h/'");
}

// What a shell hands to curl: its arguments and, when it reads one, its stdin.
struct CurlCall {
  std::vector<std::string> args;
  std::string stdin_bytes;
};

// Runs the command under /bin/sh with curl replaced by a function that prints
// each argument followed by a NUL byte, then "@-" stdin if asked for it.
bool run_with_fake_curl(const std::string& command, CurlCall& call) {
  const std::string script =
      "curl() { s=; for a in \"$@\"; do printf '%s' \"$a\"; printf '\\000';"
      " if [ \"$a\" = @- ]; then s=1; fi; done;"
      " if [ -n \"$s\" ]; then printf 'STDIN\\000'; cat; fi; }\n" +
      command + "\n";
  FILE* pipe = popen(script.c_str(), "r");
  if (pipe == nullptr) return false;
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  if (pclose(pipe) != 0) return false;
  std::size_t start = 0;
  while (start < out.size()) {
    const std::size_t end = out.find('\0', start);
    if (end == std::string::npos) return false;
    const std::string arg = out.substr(start, end - start);
    start = end + 1;
    if (arg == "STDIN") {
      call.stdin_bytes = out.substr(start);
      break;
    }
    call.args.push_back(arg);
  }
  return true;
}

TEST(ToCurl, RoundTripsThroughPosixShell) {
  HttpRequest r;
  r.method = "PO'ST";
  r.target = "/?a=it's&b=\xC3\xA9\x01\x7F%20[x]{y}$HOME`id`\\n";
  r.headers = {{"Content-Type", "text/plain"}, {"X-Quote", "a'b\"c$d"}, {"X-Bin", "\xFFz"}};
  const std::string bodies[] = {"a=\0b"s, "-n"s, "@/etc/passwd"s, "%s%%\\\\'x\n\r\t"s,
                                "plain body"s, "\xC3\xA9"s};
  for (const std::string& body : bodies) {
    r.body = body;
    CurlCall call;
    const std::string command = to_curl(r, "http://127.0.0.1:1");
    ASSERT_TRUE(run_with_fake_curl(command, call)) << command;
    const std::vector<std::string> expected_args = {
        "-sS", "-i", "-X", "PO'ST",
        "-H", "Content-Type: text/plain",
        "-H", "X-Quote: a'b\"c$d",
        "-H", "X-Bin: \xFFz",
        "--data-binary", call.stdin_bytes.empty() ? body : "@-",
        "--globoff", "--path-as-is",
        "http://127.0.0.1:1" + r.target};
    EXPECT_EQ(call.args, expected_args) << command;
    if (!call.stdin_bytes.empty()) {
      EXPECT_EQ(call.stdin_bytes, body) << command;
    }
  }
}

}  // namespace
}  // namespace essconf::wire

namespace essconf::wire {
namespace {

TEST(WellformedHttp, TokensTargetsAndHeaderValues) {
  HttpRequest ok;
  ok.method = "GET";
  ok.target = "/?Action=RemoveInstances";
  ok.headers = {{"Host", "x"}, {"X-Odd_Name!", "v a l u e"}};
  EXPECT_TRUE(is_wellformed_http(ok));
  for (const char* method : {"D=LETE", "", "GE T", "G\x01T", "GET/"}) {
    HttpRequest r = ok;
    r.method = method;
    EXPECT_FALSE(is_wellformed_http(r)) << method;
  }
  for (const char* target : {"", "/a b", "/\t", "/\r", "/\n"}) {
    HttpRequest r = ok;
    r.target = target;
    EXPECT_FALSE(is_wellformed_http(r)) << target;
  }
  // Other control characters are invalid but tolerable (RFC 9112 3.2: SHOULD refuse).
  for (const std::string& target : {std::string("/\x7F"), std::string("/?a=\x01"), std::string("/?a=\0", 6)}) {
    HttpRequest r = ok;
    r.target = target;
    EXPECT_TRUE(is_wellformed_http(r)) << target;
    EXPECT_TRUE(has_tolerable_controls(r)) << target;
  }
  EXPECT_FALSE(has_tolerable_controls(ok));
  // Trailing whitespace: read without it by a lenient recipient (RFC 9112 3), if nothing else is wrong.
  for (const char* target : {"/?a=1\r\r", "/?a=1 ", "/?a=1\t\v\f"}) {
    HttpRequest r = ok;
    r.target = target;
    ASSERT_TRUE(read_leniently(r)) << target;
    EXPECT_EQ(read_leniently(r)->target, "/?a=1");
  }
  for (const char* target : {"/?a=1", "/?a 1 ", "/?a=1\n", "  "}) {
    HttpRequest r = ok;
    r.target = target;
    EXPECT_FALSE(read_leniently(r)) << target;
  }
  HttpRequest odd_value = ok;
  odd_value.headers.push_back({"X", "a\x13" "b"});
  EXPECT_TRUE(is_wellformed_http(odd_value));
  EXPECT_TRUE(has_tolerable_controls(odd_value));
  HttpRequest bad_name = ok;
  bad_name.headers.push_back({"Bad Name", "v"});
  EXPECT_FALSE(is_wellformed_http(bad_name));
  HttpRequest bad_value = ok;
  bad_value.headers.push_back({"X", "a\r\nInjected: 1"});
  EXPECT_FALSE(is_wellformed_http(bad_value));
}

// The head counts as sent: "GET SP target SP HTTP/1.1 CRLF", each field line, the empty line.
TEST(HttpRequest, LongerThanRecommendedPastEightThousandOctetsOfHeadOrContent) {
  HttpRequest r;
  r.method = "GET";
  r.headers = {{"Host", "h"}};
  const std::size_t fixed = 4 + 11 + (4 + 2 + 1 + 2) + 2;  // all but the target's bytes
  r.target = "/" + std::string(kRecommendedOctets - fixed - 1, 'a');
  EXPECT_FALSE(exceeds_recommended_size(r));
  r.target += 'a';
  EXPECT_TRUE(exceeds_recommended_size(r));
  HttpRequest fields;
  fields.headers = {{"X", std::string(kRecommendedOctets, 'v')}};
  EXPECT_TRUE(exceeds_recommended_size(fields));
  HttpRequest content;
  content.method = "POST";
  content.body = std::string(kRecommendedOctets, 'b');
  EXPECT_FALSE(exceeds_recommended_size(content));
  content.body += 'b';
  EXPECT_TRUE(exceeds_recommended_size(content));
}

}  // namespace
}  // namespace essconf::wire
