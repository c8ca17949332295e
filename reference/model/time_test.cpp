#include "reference/model/time.hpp"

#include <gtest/gtest.h>


namespace essconf::model {
namespace {

TEST(Timestamp, ParsesTheDocumentedShape) {
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_timestamp("2016-02-23T12:46:24Z"), 1456231584);
  EXPECT_EQ(parse_timestamp("2024-02-29T23:59:59Z"), 1709251199);
}

TEST(Timestamp, RejectsEveryOtherShape) {
  for (const char* bad : {"", "2016-02-23T12:46:24", "2016-02-23T12:46:24.000Z", "2016-02-23 12:46:24Z",
                          "2016-02-23T12:46:24+08:00", "2016-2-23T12:46:24Z", "2023-02-29T00:00:00Z",
                          "2016-13-01T00:00:00Z", "2016-02-23T24:00:00Z", "2016-02-23T12:60:00Z",
                          "2016-02-23T12:46:60Z", "2016-02-23t12:46:24z", "abcd-ef-ghTij:kl:mnZ"})
    EXPECT_FALSE(parse_timestamp(bad)) << bad;
}

TEST(Timestamp, FractionalSecondsParseOnlyThroughTheirOwnFunction) {
  EXPECT_EQ(parse_fractional_timestamp("2016-02-23T12:46:24.459Z"), 1456231584);
  EXPECT_EQ(parse_fractional_timestamp("2016-02-23T12:46:24.1Z"), 1456231584);
  EXPECT_EQ(parse_fractional_timestamp("2016-02-23T12:46:24.123456789Z"), 1456231584);
  EXPECT_FALSE(parse_timestamp("2016-02-23T12:46:24.459Z")) << "the documented shape has no fraction";
  for (const char* bad : {"2016-02-23T12:46:24Z", "2016-02-23T12:46:24.Z", "2016-02-23T12:46:24.1234567890Z",
                          "2016-02-23T12:46:24.45aZ", "2016-02-23T12:46:24,459Z", "2016-02-23T12:46:60.000Z",
                          "2016-02-23T12:46:24.459"})
    EXPECT_FALSE(parse_fractional_timestamp(bad)) << bad;
}

TEST(Timestamp, FormatRoundTrips) {
  for (std::int64_t t : {0LL, 1456231584LL, 1709251199LL, 4102444800LL})
    EXPECT_EQ(parse_timestamp(format_timestamp(t)), t) << format_timestamp(t);
  EXPECT_EQ(format_timestamp(1456231584), "2016-02-23T12:46:24Z");
}

}  // namespace
}  // namespace essconf::model
