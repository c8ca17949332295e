#include "reference/wire/body.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace essconf::wire {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

constexpr std::string_view kFffd = "\xEF\xBF\xBD";

ErrorBody full_error() {
  return {"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E", "ess.aliyuncs.com", "IncorrectScalingGroupStatus",
          "The current status of the specified scaling group does not support this action.",
          "https://api.aliyun.com/troubleshoot?q=IncorrectScalingGroupStatus&product=Ess"};
}

bool has_problem_containing(const ParsedBody& parsed, std::string_view text) {
  for (const std::string& p : parsed.problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string nested(std::size_t depth, std::string_view open, std::string_view close) {
  std::string s;
  s.reserve(depth * (open.size() + close.size()));
  for (std::size_t i = 0; i < depth; ++i) s += open;
  for (std::size_t i = 0; i < depth; ++i) s += close;
  return s;
}

// ------------------------------------------------------------ exact bytes

TEST(RenderSuccess, XmlExactBytes) {
  const Rendered r = render_success({"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E", "bybj9OcaOT4ucPMbFhcqHfA3"}, Format::xml);
  EXPECT_EQ(r.content_type, "text/xml;charset=utf-8");
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><RemoveInstancesResponse>"
            "<ScalingActivityId>bybj9OcaOT4ucPMbFhcqHfA3</ScalingActivityId>"
            "<RequestId>473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E</RequestId></RemoveInstancesResponse>");
}

TEST(RenderSuccess, JsonExactBytes) {
  const Rendered r = render_success({"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E", "bybj9OcaOT4ucPMbFhcqHfA3"}, Format::json);
  EXPECT_EQ(r.content_type, "application/json;charset=utf-8");
  EXPECT_EQ(r.body,
            R"({"ScalingActivityId":"bybj9OcaOT4ucPMbFhcqHfA3","RequestId":"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E"})");
}

TEST(RenderError, XmlExactBytes) {
  const Rendered r = render_error(full_error(), Format::xml);
  EXPECT_EQ(r.content_type, "text/xml;charset=utf-8");
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
            "<RequestId>473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E</RequestId>"
            "<HostId>ess.aliyuncs.com</HostId>"
            "<Code>IncorrectScalingGroupStatus</Code>"
            "<Message>The current status of the specified scaling group does not support this action.</Message>"
            "<Recommend>https://api.aliyun.com/troubleshoot?q=IncorrectScalingGroupStatus&amp;product=Ess</Recommend>"
            "</Error>");
}

TEST(RenderError, JsonExactBytes) {
  const Rendered r = render_error(full_error(), Format::json);
  EXPECT_EQ(r.content_type, "application/json;charset=utf-8");
  EXPECT_EQ(r.body,
            R"({"RequestId":"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E","HostId":"ess.aliyuncs.com",)"
            R"("Code":"IncorrectScalingGroupStatus",)"
            R"("Message":"The current status of the specified scaling group does not support this action.",)"
            R"("Recommend":"https://api.aliyun.com/troubleshoot?q=IncorrectScalingGroupStatus&product=Ess"})");
}

TEST(RenderError, OmitsEmptyHostIdAndRecommend) {
  const ErrorBody e{"R-1", "", "Throttling", "Request was denied due to request throttling.", ""};
  EXPECT_EQ(render_error(e, Format::xml).body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><RequestId>R-1</RequestId><Code>Throttling</Code>"
            "<Message>Request was denied due to request throttling.</Message></Error>");
  EXPECT_EQ(render_error(e, Format::json).body,
            R"({"RequestId":"R-1","Code":"Throttling","Message":"Request was denied due to request throttling."})");
  for (Format f : {Format::xml, Format::json}) {
    const ParsedBody p = parse_body(render_error(e, f).body);
    EXPECT_FALSE(p.field("HostId"));
    EXPECT_FALSE(p.field("Recommend"));
  }
}

TEST(RenderError, EmptyFieldsAreLeftOut) {
  ErrorBody e{};
  e.code = "InvalidParameter";
  EXPECT_EQ(render_error(e, Format::xml).body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidParameter</Code></Error>");
  EXPECT_EQ(render_error(e, Format::json).body, R"({"Code":"InvalidParameter"})");
  const ParsedBody p = parse_body(render_error(e, Format::xml).body);
  EXPECT_FALSE(p.field("RequestId"));
  EXPECT_FALSE(p.field("Message"));
  EXPECT_TRUE(p.is_error_shape());
  EXPECT_EQ(render_success({}, Format::json).body, "{}");
}

// ------------------------------------------------------------ round trips

class RoundTrip : public testing::TestWithParam<Format> {};

TEST_P(RoundTrip, Success) {
  const SuccessBody s{"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E", "asa-bp1abc"};
  const ParsedBody p = parse_body(render_success(s, GetParam()).body);
  EXPECT_EQ(p.syntax, GetParam() == Format::xml ? Syntax::xml : Syntax::json);
  EXPECT_EQ(p.root, GetParam() == Format::xml ? "RemoveInstancesResponse" : "");
  EXPECT_EQ(p.field("RequestId"), s.request_id);
  EXPECT_EQ(p.field("ScalingActivityId"), s.scaling_activity_id);
  EXPECT_EQ(p.fields.size(), 2u);
  EXPECT_FALSE(p.is_error_shape());
  EXPECT_TRUE(p.problems.empty());
}

TEST_P(RoundTrip, Error) {
  const ErrorBody e = full_error();
  const ParsedBody p = parse_body(render_error(e, GetParam()).body);
  EXPECT_EQ(p.root, GetParam() == Format::xml ? "Error" : "");
  EXPECT_EQ(p.field("RequestId"), e.request_id);
  EXPECT_EQ(p.field("HostId"), e.host_id);
  EXPECT_EQ(p.field("Code"), e.code);
  EXPECT_EQ(p.field("Message"), e.message);
  EXPECT_EQ(p.field("Recommend"), e.recommend);
  EXPECT_EQ(p.fields.size(), 5u);
  EXPECT_TRUE(p.is_error_shape());
  EXPECT_TRUE(p.problems.empty());
}

// Every byte sequence in every field survives, except what the rendering
// rule replaces by U+FFFD.
TEST_P(RoundTrip, EscapingOfHostileMessages) {
  const std::string cases[] = {
      R"(say "hi")",
      "a < b && c > d",
      "]]>",
      "<![CDATA[x]]>",
      "&amp; &#60; &bogus;",
      "tab\there\nnewline",
      "crlf\r\nand lone\rcr",
      "  leading and trailing  ",
      " ",
      "\n\t\r ",
      "\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80 caf\xC3\xA9",
      "\x7F del is allowed",
      "'single' \"double\"",
      "back\\slash /slash",
  };
  for (const std::string& message : cases) {
    ErrorBody e = full_error();
    e.message = message;
    e.host_id = message;
    const Rendered r = render_error(e, GetParam());
    const ParsedBody p = parse_body(r.body);
    EXPECT_TRUE(p.problems.empty()) << r.body;
    EXPECT_EQ(p.field("Message"), message) << r.body;
    EXPECT_EQ(p.field("HostId"), message) << r.body;
    EXPECT_EQ(p.field("Code"), e.code) << r.body;
  }
}

TEST_P(RoundTrip, InvalidUtf8BecomesReplacementCharacter) {
  struct Case {
    std::string in;
    std::string out;
  };
  const std::string r(kFffd);
  const Case cases[] = {
      {"a\xFF" "b", "a" + r + "b"},
      {"\xC3", r},                                    // truncated two-byte sequence
      {"\xE4\xB8" "x", r + "x"},                      // maximal subpart: one U+FFFD
      {"\xC0\xAF", r + r},                            // overlong: each byte
      {"\xED\xA0\x80", r + r + r},                    // surrogate
      {"\xF4\x90\x80\x80", r + r + r + r},            // beyond U+10FFFF
      {"\xE4\xB8\xAD\x80", "\xE4\xB8\xAD" + r},       // stray continuation
  };
  for (const Case& c : cases) {
    ErrorBody e = full_error();
    e.message = c.in;
    const Rendered rendered = render_error(e, GetParam());
    const ParsedBody p = parse_body(rendered.body);
    EXPECT_EQ(p.field("Message"), c.out) << rendered.body;
    EXPECT_TRUE(p.problems.empty()) << rendered.body;
  }
}

TEST_P(RoundTrip, ControlCharacters) {
  std::string message;
  for (int c = 0; c < 0x20; ++c) message += static_cast<char>(c);
  message += "end";
  ErrorBody e = full_error();
  e.message = message;
  const Rendered rendered = render_error(e, GetParam());
  const ParsedBody p = parse_body(rendered.body);
  ASSERT_EQ(p.syntax, GetParam() == Format::xml ? Syntax::xml : Syntax::json) << rendered.body;
  std::string expected;
  for (int c = 0; c < 0x20; ++c) {
    // XML 1.0 has no way to carry controls other than tab, LF and CR.
    const bool kept = GetParam() == Format::json || c == '\t' || c == '\n' || c == '\r';
    expected += kept ? std::string(1, static_cast<char>(c)) : std::string(kFffd);
  }
  expected += "end";
  EXPECT_EQ(p.field("Message"), expected);
  EXPECT_EQ(rendered.body.find('\0'), std::string::npos);
}

TEST_P(RoundTrip, RandomBytes) {
  std::mt19937 rng(20240517);
  std::uniform_int_distribution<int> length(0, 24);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> small(0, 9);
  for (int i = 0; i < 2000; ++i) {
    std::string message;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) {
      // Mostly bytes that matter to escaping, some of everything else.
      const char interesting[] = {'<', '>', '&', '"', '\'', ']', ' ', '\r', '\n', '\xC3'};
      message += small(rng) < 5 ? interesting[small(rng)] : static_cast<char>(byte(rng));
    }
    ErrorBody e = full_error();
    e.message = message;
    const Rendered rendered = render_error(e, GetParam());
    const ParsedBody p = parse_body(rendered.body);
    ASSERT_TRUE(p.problems.empty()) << rendered.body;
    ASSERT_EQ(p.field("Code"), e.code);
    if (message.empty()) {  // an empty field is left out
      ASSERT_FALSE(p.field("Message").has_value()) << rendered.body;
      continue;
    }
    ASSERT_TRUE(p.field("Message").has_value()) << rendered.body;
    // Unchanged whenever nothing needed replacing; otherwise only U+FFFD
    // was introduced, so it is at least not longer than three bytes per input byte.
    const std::string got = *p.field("Message");
    if (got.find(kFffd) == std::string::npos) {
      ASSERT_EQ(got, message) << rendered.body;
    } else {
      ASSERT_LE(got.size(), 3 * message.size());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(BothFormats, RoundTrip, testing::Values(Format::xml, Format::json),
                         [](const testing::TestParamInfo<Format>& info) {
                           return info.param == Format::xml ? "Xml" : "Json";
                         });

TEST(RenderError, XmlEdgeWhitespaceAndCrAreCharacterReferences) {
  ErrorBody e = full_error();
  e.message = " a\r\nb ";
  const std::string body = render_error(e, Format::xml).body;
  EXPECT_NE(body.find("<Message>&#32;a&#13;\nb&#32;</Message>"), std::string::npos) << body;
  EXPECT_NE(body.find("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), std::string::npos);
}

// ------------------------------------------------------------ documented and observed bodies

TEST(ParseBody, DocumentationXmlSuccessExample) {
  const ParsedBody p = parse_body(
      "<RemoveInstancesResponse> \n"
      "  <ScalingActivityId>bybj9OcaOT4ucPMbFhcqHfA3</ScalingActivityId> \n"
      "  <RequestId>473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E</RequestId> \n"
      "</RemoveInstancesResponse> \n"
      "\n");
  EXPECT_EQ(p.syntax, Syntax::xml);
  EXPECT_EQ(p.root, "RemoveInstancesResponse");
  EXPECT_EQ(p.field("ScalingActivityId"), "bybj9OcaOT4ucPMbFhcqHfA3");
  EXPECT_EQ(p.field("RequestId"), "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E");
  EXPECT_EQ(p.fields.size(), 2u);
  EXPECT_TRUE(p.problems.empty());
  EXPECT_FALSE(p.is_error_shape());
}

TEST(ParseBody, DocumentationJsonSuccessExample) {
  const ParsedBody p = parse_body("{\n\t\"RequestId\":\"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E\"\n}\n");
  EXPECT_EQ(p.syntax, Syntax::json);
  EXPECT_EQ(p.root, "");
  EXPECT_EQ(p.field("RequestId"), "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E");
  EXPECT_EQ(p.fields.size(), 1u);
  EXPECT_TRUE(p.problems.empty());
}

TEST(ParseBody, GatewaySampleWithSingleQuotedDeclarationAndCdata) {
  const ParsedBody p = parse_body(
      "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>B3311876-XXXXX</RequestId>"
      "<HostId>openapi-mcp.cn-hangzhou.aliyuncs.com</HostId><Code>InvalidAction.NotFound</Code>"
      "<Message>Specified api is not found, please check your url and method.</Message>"
      "<Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=InvalidAction.NotFound&product=OpenAPIExplorer"
      "&requestId=B3311876-XXX]]></Recommend></Error>");
  EXPECT_EQ(p.syntax, Syntax::xml);
  EXPECT_EQ(p.root, "Error");
  EXPECT_TRUE(p.is_error_shape());
  EXPECT_EQ(p.field("RequestId"), "B3311876-XXXXX");
  EXPECT_EQ(p.field("HostId"), "openapi-mcp.cn-hangzhou.aliyuncs.com");
  EXPECT_EQ(p.field("Code"), "InvalidAction.NotFound");
  EXPECT_EQ(p.field("Message"), "Specified api is not found, please check your url and method.");
  EXPECT_EQ(p.field("Recommend"),
            "https://api.aliyun.com/troubleshoot?q=InvalidAction.NotFound&product=OpenAPIExplorer"
            "&requestId=B3311876-XXX");
  EXPECT_TRUE(p.problems.empty());
}

TEST(ParseBody, JavaSdkStyleErrorWithCdataMessage) {
  const ParsedBody p = parse_body(
      "<Error><RequestId>R-2</RequestId><HostId>ess.aliyuncs.com</HostId><Code>InvalidParameter</Code>"
      "<Message><![CDATA[The parameter <InstanceId.1> is invalid & \"odd\"  ]]></Message>"
      "<Recommend><![CDATA[https://next.api.aliyun.com/troubleshoot?q=InvalidParameter&product=Ess]]></Recommend>"
      "</Error>");
  EXPECT_EQ(p.root, "Error");
  EXPECT_EQ(p.field("Code"), "InvalidParameter");
  // CDATA is taken verbatim, trailing blanks included.
  EXPECT_EQ(p.field("Message"), "The parameter <InstanceId.1> is invalid & \"odd\"  ");
  EXPECT_EQ(p.field("Recommend"), "https://next.api.aliyun.com/troubleshoot?q=InvalidParameter&product=Ess");
  EXPECT_TRUE(p.problems.empty());
}

TEST(ParseBody, JsonErrorWithExtraFieldsInAnotherOrder) {
  const ParsedBody p = parse_body(
      R"({"Recommend":"https://api.aliyun.com/troubleshoot?q=Forbidden.Unauthorized","Message":"not authorized",)"
      R"("AccessDeniedDetail":{"AuthAction":"ess:RemoveInstances","NoPermissionType":"ImplicitDeny"},)"
      R"("Code":"Forbidden.Unauthorized","HostId":"ess.aliyuncs.com","RequestId":"R-3","statusCode":403,)"
      R"("retryable":false,"traceId":null,"ratio":1.5,"items":[1,2]})");
  EXPECT_EQ(p.syntax, Syntax::json);
  EXPECT_TRUE(p.is_error_shape());
  EXPECT_EQ(p.field("Code"), "Forbidden.Unauthorized");
  EXPECT_EQ(p.field("Message"), "not authorized");
  EXPECT_EQ(p.field("RequestId"), "R-3");
  EXPECT_EQ(p.field("HostId"), "ess.aliyuncs.com");
  EXPECT_EQ(p.field("statusCode"), "403");
  EXPECT_EQ(p.field("retryable"), "false");
  EXPECT_EQ(p.field("traceId"), "null");
  EXPECT_EQ(p.field("ratio"), "1.5");
  EXPECT_FALSE(p.field("AccessDeniedDetail"));
  EXPECT_FALSE(p.field("items"));
  EXPECT_FALSE(p.field("AuthAction"));
  EXPECT_TRUE(p.problems.empty());
}

TEST(ParseBody, XmlErrorWithExtraFieldAndNestedElement) {
  const ParsedBody p = parse_body(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- gateway -->\n<Error>\n"
      "  <RequestId>R-4</RequestId>\n  <Code>\n    Throttling.User\n  </Code>\n"
      "  <Message>Request was denied &amp; throttled.</Message>\n"
      "  <ErrorDetail><Quota>10</Quota></ErrorDetail>\n  <Retryable>true</Retryable>\n  <Empty/>\n"
      "</Error>\n");
  EXPECT_EQ(p.syntax, Syntax::xml);
  EXPECT_EQ(p.field("Code"), "Throttling.User");
  EXPECT_EQ(p.field("Message"), "Request was denied & throttled.");
  EXPECT_EQ(p.field("Retryable"), "true");
  EXPECT_EQ(p.field("Empty"), "");
  EXPECT_FALSE(p.field("ErrorDetail"));
  EXPECT_FALSE(p.field("Quota"));
  EXPECT_TRUE(p.problems.empty());
}

TEST(ParseBody, XmlTextAndCdataMixed) {
  const ParsedBody p =
      parse_body("<E><A> x <![CDATA[ y ]]> z </A><B> <![CDATA[a]]> <![CDATA[b]]> </B><C>&#32;k&#x20;</C></E>");
  EXPECT_EQ(p.field("A"), "x  y  z");
  EXPECT_EQ(p.field("B"), "a b");
  EXPECT_EQ(p.field("C"), " k ");
}

TEST(ParseBody, Utf8BomIsSkipped) {
  const ParsedBody x = parse_body("\xEF\xBB\xBF<?xml version='1.0'?><Error><Code>C</Code></Error>");
  EXPECT_EQ(x.syntax, Syntax::xml);
  EXPECT_EQ(x.field("Code"), "C");
  const ParsedBody j = parse_body("\xEF\xBB\xBF {\"Code\":\"C\"}");
  EXPECT_EQ(j.syntax, Syntax::json);
  EXPECT_EQ(j.field("Code"), "C");
  EXPECT_EQ(parse_body("\xEF\xBB\xBF").syntax, Syntax::empty);
}

TEST(ParseBody, JsonNumbersKeepTheirText) {
  const ParsedBody p = parse_body(
      R"({"big":123456789012345678901234567890,"neg":-9223372036854775809,"u":18446744073709551615,)"
      R"("exp":1e2,"frac":1.50,"zero":0})");
  EXPECT_TRUE(p.problems.empty());
  EXPECT_EQ(p.field("big"), "123456789012345678901234567890");
  EXPECT_EQ(p.field("neg"), "-9223372036854775809");
  EXPECT_EQ(p.field("u"), "18446744073709551615");
  EXPECT_EQ(p.field("exp"), "1e2");
  EXPECT_EQ(p.field("frac"), "1.50");
  EXPECT_EQ(p.field("zero"), "0");
}

TEST(ParseBody, JsonEscapesAreDecoded) {
  const ParsedBody p = parse_body(R"({"Message":"a\"b\\c\/d\n\u00e9\ud83d\ude00","K\u0065y":"v"})");
  EXPECT_EQ(p.field("Message"), "a\"b\\c/d\n\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(p.field("Key"), "v");
}

// ------------------------------------------------------------ hostile bodies

TEST(ParseBodyHostile, EmptyAndBlank) {
  for (std::string_view body : {""sv, " "sv, "\r\n\t \n"sv}) {
    const ParsedBody p = parse_body(body);
    EXPECT_EQ(p.syntax, Syntax::empty);
    EXPECT_TRUE(p.fields.empty());
    EXPECT_TRUE(p.problems.empty());
    EXPECT_FALSE(p.is_error_shape());
  }
}

TEST(ParseBodyHostile, PlainTextIsUnparseable) {
  const ParsedBody p = parse_body("  Internal Server Error");
  EXPECT_EQ(p.syntax, Syntax::unparseable);
  EXPECT_TRUE(has_problem_containing(p, "0x49 at byte 2")) << p.problems.at(0);
  EXPECT_EQ(parse_body("\"Code\"").syntax, Syntax::unparseable);
  EXPECT_EQ(parse_body("42").syntax, Syntax::unparseable);
}

TEST(ParseBodyHostile, HtmlPage) {
  const ParsedBody p = parse_body(
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
      "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
  EXPECT_EQ(p.syntax, Syntax::unparseable);
  EXPECT_TRUE(p.fields.empty());
  EXPECT_TRUE(p.root.empty());
  EXPECT_TRUE(has_problem_containing(p, "XML parse error at byte")) << p.problems.at(0);
  EXPECT_FALSE(p.is_error_shape());
}

TEST(ParseBodyHostile, TruncatedXml) {
  const std::string full = render_error(full_error(), Format::xml).body;
  for (std::size_t n = 1; n < full.size(); ++n) {
    const ParsedBody p = parse_body(std::string_view(full).substr(0, n));
    EXPECT_EQ(p.syntax, Syntax::unparseable) << n;
    EXPECT_FALSE(p.is_error_shape()) << n;
    EXPECT_EQ(p.problems.size(), 1u) << n;
  }
  const ParsedBody p = parse_body("<Error><Code>X</Co");
  EXPECT_TRUE(has_problem_containing(p, "XML parse error at byte 16: Start-end tags mismatch")) << p.problems.at(0);
}

TEST(ParseBodyHostile, TruncatedJson) {
  const std::string full = render_error(full_error(), Format::json).body;
  for (std::size_t n = 1; n < full.size(); ++n) {
    const ParsedBody p = parse_body(std::string_view(full).substr(0, n));
    EXPECT_EQ(p.syntax, Syntax::unparseable) << n;
    EXPECT_FALSE(p.is_error_shape()) << n;
    EXPECT_TRUE(has_problem_containing(p, "JSON parse error at byte " + std::to_string(n))) << n;
  }
}

TEST(ParseBodyHostile, JsonSyntaxErrorOffset) {
  const ParsedBody p = parse_body(R"({"Code":"X",})");
  EXPECT_EQ(p.syntax, Syntax::unparseable);
  EXPECT_TRUE(has_problem_containing(p, "JSON parse error at byte 12:")) << p.problems.at(0);
  const ParsedBody bom = parse_body("\xEF\xBB\xBF{\"Code\" 1}");
  EXPECT_TRUE(has_problem_containing(bom, "JSON parse error at byte 11:")) << bom.problems.at(0);
}

TEST(ParseBodyHostile, TrailingGarbage) {
  const ParsedBody j = parse_body(R"({"Code":"X"} {"Code":"Y"})");
  EXPECT_EQ(j.syntax, Syntax::unparseable);
  EXPECT_TRUE(j.fields.empty());
  EXPECT_TRUE(has_problem_containing(j, "at byte 13")) << j.problems.at(0);
  EXPECT_EQ(parse_body(R"({"Code":"X"}garbage)").syntax, Syntax::unparseable);
  EXPECT_EQ(parse_body("{\"Code\":\"X\"}\n\n").syntax, Syntax::json);

  const ParsedBody x = parse_body("<Error><Code>X</Code></Error>garbage");
  EXPECT_EQ(x.syntax, Syntax::unparseable);
  EXPECT_TRUE(has_problem_containing(x, "at byte 29")) << x.problems.at(0);
  EXPECT_EQ(parse_body("<Error/><Error/>").syntax, Syntax::unparseable);
  EXPECT_EQ(parse_body("<Error/><![CDATA[x]]>").syntax, Syntax::unparseable);
  EXPECT_EQ(parse_body("<Error/>\n<!-- trailer -->\n").syntax, Syntax::xml);
  EXPECT_EQ(parse_body("<?xml version='1.0'?>").syntax, Syntax::unparseable);
}

TEST(ParseBodyHostile, JsonTopLevelArray) {
  const ParsedBody p = parse_body(R"([{"Code":"X","Message":"m"}])");
  EXPECT_EQ(p.syntax, Syntax::json);
  EXPECT_TRUE(p.fields.empty());
  EXPECT_FALSE(p.is_error_shape());
  EXPECT_TRUE(has_problem_containing(p, "not an object"));
}

TEST(ParseBodyHostile, JsonDuplicateCodeKeepsTheFirst) {
  const ParsedBody p = parse_body(R"({"Code":"First","Message":"m","Code":"Second","Code":{"x":1}})");
  EXPECT_EQ(p.syntax, Syntax::json);
  EXPECT_EQ(p.field("Code"), "First");
  EXPECT_EQ(p.problems, (std::vector<std::string>{"duplicate field Code", "duplicate field Code"}));
  // The same key in a nested object is no duplicate.
  EXPECT_TRUE(parse_body(R"({"Code":"A","D":{"Code":"B"}})").problems.empty());
}

TEST(ParseBodyHostile, XmlDuplicateCodeKeepsTheFirst) {
  const ParsedBody p = parse_body("<Error><Code>First</Code><Code>Second</Code><Message>m</Message></Error>");
  EXPECT_EQ(p.syntax, Syntax::xml);
  EXPECT_EQ(p.field("Code"), "First");
  EXPECT_EQ(p.problems, std::vector<std::string>{"duplicate field Code"});
}

TEST(ParseBodyHostile, DeeplyNestedXml) {
  const ParsedBody p = parse_body(nested(100000, "<a>", "</a>"));
  EXPECT_EQ(p.syntax, Syntax::unparseable);
  EXPECT_TRUE(has_problem_containing(p, "deeper than 256")) << p.problems.at(0);
  // The limit counts the root as level 1.
  EXPECT_EQ(parse_body(nested(256, "<a>", "</a>")).syntax, Syntax::xml);
  EXPECT_EQ(parse_body(nested(257, "<a>", "</a>")).syntax, Syntax::unparseable);
  const std::string deep_later = "<Error><Code>C</Code>" + nested(300, "<x>", "</x>") + "<Message>m</Message></Error>";
  EXPECT_EQ(parse_body(deep_later).syntax, Syntax::unparseable);
  const std::string wide = "<Error>" + nested(200, "<x>", "</x>") + nested(200, "<y>", "</y>") + "<Code>C</Code></Error>";
  EXPECT_EQ(parse_body(wide).field("Code"), "C");
}

TEST(ParseBodyHostile, DeeplyNestedJson) {
  for (const auto& [open, close] : {std::pair{"[", "]"}, std::pair{"{\"a\":", "}"}}) {
    const ParsedBody p = parse_body(nested(100000, open, close));
    EXPECT_EQ(p.syntax, Syntax::unparseable);
    EXPECT_TRUE(has_problem_containing(p, "JSON parse error at byte")) << p.problems.at(0);
  }
  EXPECT_EQ(parse_body(nested(64, "[", "]")).syntax, Syntax::json);
  EXPECT_EQ(parse_body(nested(65, "[", "]")).syntax, Syntax::unparseable);
}

TEST(ParseBodyHostile, NulBytes) {
  const ParsedBody x = parse_body("<Error><Code>X</Code></Error>\0<junk>"s);
  EXPECT_EQ(x.syntax, Syntax::unparseable);
  EXPECT_TRUE(has_problem_containing(x, "at byte 29: NUL")) << x.problems.at(0);
  EXPECT_EQ(parse_body("<Error><Code>X\0Y</Code></Error>"s).syntax, Syntax::unparseable);
  EXPECT_EQ(parse_body("{\"Code\":\"X\0Y\"}"s).syntax, Syntax::unparseable);
  EXPECT_EQ(parse_body("{\"Code\":\"X\"}\0"s).syntax, Syntax::unparseable);
  EXPECT_EQ(parse_body("\0{}"s).syntax, Syntax::unparseable);
  // An escaped NUL is valid JSON and is kept.
  EXPECT_EQ(parse_body(R"({"Code":"X\u0000Y"})").field("Code"), "X\0Y"s);
}

TEST(ParseBodyHostile, InvalidUtf8InValuesIsKeptAndReported) {
  const ParsedBody x = parse_body("<Error><Code>X\xFF</Code><Message>ok</Message></Error>");
  EXPECT_EQ(x.syntax, Syntax::xml);
  EXPECT_EQ(x.field("Code"), "X\xFF");
  EXPECT_EQ(x.problems, std::vector<std::string>{"field Code is not valid UTF-8"});
  const ParsedBody j = parse_body("{\"Code\":\"X\xC0\xAF\",\"Message\":\"ok\"}");
  EXPECT_EQ(j.syntax, Syntax::json);
  EXPECT_EQ(j.field("Code"), "X\xC0\xAF");
  EXPECT_EQ(j.problems, std::vector<std::string>{"field Code is not valid UTF-8"});
}

TEST(ParseBodyHostile, TenMegabyteBodies) {
  const std::string big(10 * 1024 * 1024, 'x');
  for (Format f : {Format::xml, Format::json}) {
    ErrorBody e = full_error();
    e.message = big;
    const std::string body = render_error(e, f).body;
    const auto start = std::chrono::steady_clock::now();
    const ParsedBody p = parse_body(body);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(p.field("Message")->size(), big.size());
    EXPECT_EQ(p.field("Code"), e.code);
    EXPECT_LT(elapsed, std::chrono::seconds(20));
  }
  // Many fields, and a broken big body whose error has to be located.
  std::string many = "<Error>";
  for (int i = 0; many.size() < 10 * 1024 * 1024; ++i) many += "<F" + std::to_string(i) + ">v</F" + std::to_string(i) + ">";
  many += "<Code>C</Code></Error>";
  EXPECT_EQ(parse_body(many).field("Code"), "C");
  const std::string broken = "{\"Message\":\"" + big + "\",\"Code\":}";
  const ParsedBody p = parse_body(broken);
  EXPECT_TRUE(has_problem_containing(p, "at byte " + std::to_string(broken.size() - 1))) << p.problems.at(0);
}

// ------------------------------------------------------------ accessors and content types

TEST(ParsedBodyAccessors, FieldAndErrorShape) {
  ParsedBody p;
  EXPECT_FALSE(p.field("Code"));
  EXPECT_FALSE(p.is_error_shape());
  p.fields["Code"] = "";
  EXPECT_EQ(p.field("Code"), "");
  EXPECT_TRUE(p.is_error_shape());
  EXPECT_FALSE(p.field("code"));
}

TEST(FormatOfContentType, Table) {
  struct Case {
    std::string_view content_type;
    std::optional<Format> format;
  };
  const Case cases[] = {
      {"application/json", Format::json},
      {"application/json;charset=utf-8", Format::json},
      {"Application/JSON ; charset=UTF-8", Format::json},
      {"text/json", Format::json},
      {"application/problem+json", Format::json},
      {" application/json", Format::json},
      {"text/xml", Format::xml},
      {"TEXT/XML; charset=UTF-8", Format::xml},
      {"application/xml", Format::xml},
      {"application/atom+xml;q=1", Format::xml},
      {"text/html", std::nullopt},
      {"text/html; charset=utf-8", std::nullopt},
      {"text/plain", std::nullopt},
      {"application/octet-stream", std::nullopt},
      {"application/xml-dtd", std::nullopt},
      {"application/x-json", std::nullopt},
      {"json", std::nullopt},
      {"xml", std::nullopt},
      {"", std::nullopt},
      {";charset=utf-8", std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(format_of_content_type(c.content_type), c.format) << c.content_type;
  EXPECT_EQ(format_of_content_type(kXmlContentType), Format::xml);
  EXPECT_EQ(format_of_content_type(kJsonContentType), Format::json);
}

}  // namespace
}  // namespace essconf::wire
