// Loading plugin libraries: what is accepted, and that each refusal names the file and reason.
#include "plugin/plugin_library.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/test_server.h"

namespace cdsd {
namespace {

using testing::TestPlugin;

std::string RefusalOf(const std::string& file) {
  auto library = PluginLibrary::Load(TestPlugin(file));
  EXPECT_FALSE(library.ok()) << file << " should be refused";
  return library.ok() ? "" : std::string(library.status().message());
}

TEST(PluginLibrary, LoadsSdkPluginAndReadsItsInfo) {
  auto library = PluginLibrary::Load(TestPlugin("libcds_test_echo.so"));
  ASSERT_TRUE(library.ok()) << library.status();
  EXPECT_EQ((*library)->info().id(), "test-echo");
  EXPECT_EQ((*library)->info().version(), "1.0.0");
  EXPECT_TRUE((*library)->DeclaresSetting("greeting"));
  EXPECT_FALSE((*library)->DeclaresSetting("label_edition"));
}

TEST(PluginLibrary, LoadsPluginWrittenInPlainCWithoutProtobuf) {
  auto library = PluginLibrary::Load(TestPlugin("libcds_test_raw_1_0.so"));
  ASSERT_TRUE(library.ok()) << library.status();
  EXPECT_EQ((*library)->info().id(), "raw");
  EXPECT_EQ((*library)->info().hooks(0), "patient-view");
}

TEST(PluginLibrary, LoadingTheSamePathTwiceReturnsTheSameLibrary) {
  auto a = PluginLibrary::Load(TestPlugin("libcds_test_echo.so"));
  auto b = PluginLibrary::Load(TestPlugin("libcds_test_echo.so"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
}

TEST(PluginLibrary, RefusesOtherMajorVersion) {
  EXPECT_NE(RefusalOf("libcds_test_raw_2_0.so").find("major versions differ"), std::string::npos);
}

TEST(PluginLibrary, RefusesNewerMinorVersion) {
  EXPECT_NE(RefusalOf("libcds_test_raw_1_9.so").find("newer than host ABI"), std::string::npos);
}

TEST(PluginLibrary, RefusesLibraryWithoutEntrySymbol) {
  const std::string why = RefusalOf("libcds_test_no_entry.so");
  EXPECT_NE(why.find("does not export cds_plugin_entry"), std::string::npos) << why;
  EXPECT_NE(why.find("libcds_test_no_entry.so"), std::string::npos) << "names the file: " << why;
}

TEST(PluginLibrary, RefusesTableWithMissingRequiredFunction) {
  EXPECT_NE(RefusalOf("libcds_test_raw_null_evaluate.so").find("evaluate is missing"), std::string::npos);
}

TEST(PluginLibrary, RefusesIncompleteMetadata) {
  const std::string why = RefusalOf("libcds_test_bad_metadata.so");
  EXPECT_NE(why.find("vendor is empty"), std::string::npos) << why;
  EXPECT_NE(why.find("no hooks"), std::string::npos) << why;
}

TEST(PluginLibrary, RefusesMissingFile) {
  EXPECT_NE(RefusalOf("libdoes_not_exist.so").find("not found"), std::string::npos);
}

TEST(PluginLibrary, RefusesFileThatIsNotASharedLibrary) {
  testing::TempDir dir;
  const auto path = dir.path() / "libtext.so";
  std::ofstream(path) << "this is not an ELF file";
  auto library = PluginLibrary::Load(path);
  ASSERT_FALSE(library.ok());
  EXPECT_NE(library.status().message().find("cannot be loaded"), std::string::npos) << library.status();
}

TEST(PluginLibrary, LibraryOverwrittenInPlaceKeepsRunningAndLoadsAsANewVersion) {
  testing::TempDir dir;
  const auto path = dir.path() / "libecho_copy.so";
  std::filesystem::copy_file(TestPlugin("libcds_test_echo.so"), path);
  auto first = PluginLibrary::Load(path);
  ASSERT_TRUE(first.ok()) << first.status();
  // `cp` rewrites the installed file in place (same inode): running code must not change.
  std::filesystem::copy_file(TestPlugin("libcds_test_echo_v2.so"), path,
                             std::filesystem::copy_options::overwrite_existing);
  const uint8_t* info = nullptr;
  size_t size = 0;
  cds_bytes error{nullptr, 0};
  EXPECT_EQ((*first)->api().get_info(&info, &size, &error), CDS_STATUS_OK)
      << "the loaded copy still runs after the file was overwritten";
  EXPECT_EQ((*first)->info().version(), "1.0.0");
  auto second = PluginLibrary::Load(path);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->info().version(), "2.0.0") << "the changed file is a new version";
  EXPECT_NE(first->get(), second->get());
  EXPECT_EQ((*second)->path(), path) << "messages name the installed file, not the private copy";
}

}  // namespace
}  // namespace cdsd
