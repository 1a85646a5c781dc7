// Plugin trust: a plugin file, or a folder on its path, that someone other than its owner can
// change is refused before the loader maps it; a pinned sha256 must match the file; and a
// refused plugin leaves the server running without it, with the reason.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "config/config.h"
#include "plugin/plugin_library.h"
#include "plugin/plugin_trust.h"
#include "support/test_server.h"

namespace cdsd::testing {
namespace {

class PluginTrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(folder_);
    std::filesystem::permissions(folder_, std::filesystem::perms(0755));
    std::filesystem::copy_file(TestPlugin("libcds_test_echo.so"), plugin_);
    std::filesystem::permissions(plugin_, std::filesystem::perms(0755));
  }
  TempDir dir_;
  std::filesystem::path folder_ = dir_.path() / "plugins";
  std::filesystem::path plugin_ = folder_ / "libecho.so";
};

TEST_F(PluginTrustTest, AFileOnlyItsOwnerCanChangeIsTrusted) {
  EXPECT_TRUE(CheckPluginTrust(plugin_).ok()) << CheckPluginTrust(plugin_);
}

TEST_F(PluginTrustTest, AWorldWritableFileIsRefusedWithItsMode) {
  std::filesystem::permissions(plugin_, std::filesystem::perms(0666));
  const absl::Status status = CheckPluginTrust(plugin_);
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
  EXPECT_NE(status.message().find("the file is writable by group or others (mode 0666)"), std::string::npos) << status;
}

TEST_F(PluginTrustTest, AGroupWritableFolderOnThePathIsRefusedByName) {
  std::filesystem::permissions(folder_, std::filesystem::perms(0775));
  const absl::Status status = CheckPluginTrust(plugin_);
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
  EXPECT_NE(status.message().find("the folder " + folder_.string()), std::string::npos) << status;
}

TEST_F(PluginTrustTest, AStickyWorldWritableFolderIsAllowed) {
  std::filesystem::permissions(folder_, std::filesystem::perms(01777));
  EXPECT_TRUE(CheckPluginTrust(plugin_).ok());
}

TEST_F(PluginTrustTest, ASymlinkIsJudgedByWhatItPointsAtToo) {
  const auto writable = dir_.path() / "open";
  std::filesystem::create_directories(writable);
  std::filesystem::permissions(writable, std::filesystem::perms(0777));
  std::filesystem::copy_file(plugin_, writable / "real.so");
  std::filesystem::create_symlink(writable / "real.so", folder_ / "link.so");
  EXPECT_TRUE(absl::IsPermissionDenied(CheckPluginTrust(folder_ / "link.so")));
}

TEST_F(PluginTrustTest, APinnedHashMustMatchTheLoadedBytesAndTheRefusalNamesBoth) {
  auto actual = FileSha256(plugin_);
  ASSERT_TRUE(actual.ok());
  EXPECT_EQ(actual->size(), 64u);
  EXPECT_TRUE(PluginLibrary::Load(plugin_, *actual).ok());
  const std::string wrong(64, 'a');
  auto refused = PluginLibrary::Load(plugin_, wrong);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find(*actual), std::string::npos);
  EXPECT_NE(refused.status().message().find(wrong), std::string::npos);
}

TEST_F(PluginTrustTest, AFileReplacedAfterItWasPinnedIsRefusedBeforeItIsMapped) {
  auto pinned = FileSha256(plugin_);
  ASSERT_TRUE(pinned.ok());
  ASSERT_TRUE(PluginLibrary::Load(plugin_, *pinned).ok());
  // Another build of the plugin copied over the pinned one (same path, new contents).
  std::filesystem::copy_file(TestPlugin("libcds_test_echo_v2.so"), plugin_,
                             std::filesystem::copy_options::overwrite_existing);
  auto refused = PluginLibrary::Load(plugin_, *pinned);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("but the config pins " + *pinned), std::string::npos);
}

TEST_F(PluginTrustTest, AMalformedPinIsAConfigError) {
  const auto config = dir_.path() / "cdsd.yaml";
  PluginEntry entry{"echo", plugin_};
  entry.sha256 = "12345";
  std::ofstream(config) << ConfigYaml({entry});
  const ConfigLoadResult loaded = LoadConfigFile(config);
  ASSERT_FALSE(loaded.config);
  EXPECT_NE(FormatProblems(loaded.problems).find("sha256 must be 64 hex digits"), std::string::npos);
}

TEST_F(PluginTrustTest, TheServerRunsWithoutARefusedPluginAndServesTheTrustedOne) {
  auto actual = FileSha256(plugin_);
  ASSERT_TRUE(actual.ok());
  PluginEntry pinned{"echo-pinned", plugin_};
  pinned.sha256 = *actual;
  PluginEntry tampered{"echo-tampered", plugin_};
  tampered.sha256 = std::string(64, 'b');
  TestServer server({pinned, tampered});
  cds::v1::ListServicesResponse response;
  auto context = ContextWithDeadline();
  ASSERT_TRUE(server.stub().ListServices(context.get(), {}, &response).ok());
  std::vector<std::string> ids;
  for (const auto& s : response.services()) ids.push_back(s.id());
  EXPECT_EQ(ids, std::vector<std::string>{"echo-pinned"});
}

}  // namespace
}  // namespace cdsd::testing
