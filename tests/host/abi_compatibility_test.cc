// The version rule of the plugin ABI: equal majors, host minor >= plugin minor.
#include "plugin/abi_compatibility.h"

#include <cds/plugin_api.h>
#include <gtest/gtest.h>

namespace cdsd {
namespace {

TEST(AbiCompatibility, AcceptsSameMajorAndMinor) {
  EXPECT_TRUE(CheckAbiCompatibility({1, 0}, {1, 0}).ok());
}

TEST(AbiCompatibility, AcceptsOlderMinorFromTheSameMajor) {
  EXPECT_TRUE(CheckAbiCompatibility({1, 0}, {1, 3}).ok());
}

TEST(AbiCompatibility, RefusesOtherMajorInEitherDirection) {
  const absl::Status newer = CheckAbiCompatibility({2, 0}, {1, 0});
  EXPECT_EQ(newer.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(newer.message().find("major versions differ"), std::string::npos) << newer;
  EXPECT_FALSE(CheckAbiCompatibility({0, 9}, {1, 0}).ok());
}

TEST(AbiCompatibility, RefusesPluginWithNewerMinor) {
  const absl::Status status = CheckAbiCompatibility({1, 4}, {1, 3});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("upgrade cdsd"), std::string::npos) << status;
}

TEST(AbiCompatibility, HostVersionIsTheHeadersVersion) {
  EXPECT_EQ(HostAbiVersion().major, static_cast<uint32_t>(CDS_PLUGIN_ABI_VERSION_MAJOR));
  EXPECT_EQ(HostAbiVersion().minor, static_cast<uint32_t>(CDS_PLUGIN_ABI_VERSION_MINOR));
}

}  // namespace
}  // namespace cdsd
