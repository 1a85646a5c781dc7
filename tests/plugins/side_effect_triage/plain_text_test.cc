// The card's number formatting matches what clinicians expect to read and what the SDK prints.
#include "plain_text.h"

#include <cds/sdk/clinical.h>
#include <gtest/gtest.h>

namespace cds::triage {
namespace {

TEST(PlainText, WholeNumbersHaveNoDecimals) {
  EXPECT_EQ(Number(180), "180");
  EXPECT_EQ(Number(-4), "-4");
  EXPECT_EQ(Number(0), "0");
}

TEST(PlainText, OtherValuesKeepFourSignificantDigitsLikeTheSdk) {
  for (double v : {89.9, 1.2, 0.5, 1.4619883, 97.25, 120.3}) {
    EXPECT_EQ(Number(v), cds::sdk::FormatNumber(v)) << v;
  }
}

TEST(PlainText, ConcatJoinsTextWholeNumbersAndMeasuredValues) {
  EXPECT_EQ(Concat({"BP ", Measured{186}, "/", Measured{112.5}, " at ", 40, " min"}),
            "BP 186/112.5 at 40 min");
  std::string out = "a";
  Append(out, {"b", std::string("c"), std::string_view("d"), 7L});
  EXPECT_EQ(out, "abcd7");
}

}  // namespace
}  // namespace cds::triage
