// The current host loads and runs a plugin compiled against the frozen ABI 1.0 header
// (frozen_abi_plugin.c), through the same PluginLibrary and PluginService the daemon uses. When
// this fails, plugins vendors already ship stop working: the ABI changed in a breaking way.
#include <cds/plugin/v1/plugin.pb.h>
#include <gtest/gtest.h>

#include "plugin/abi_compatibility.h"
#include "plugin/plugin_library.h"
#include "plugin/plugin_service.h"

namespace {

std::shared_ptr<const cdsd::PluginLibrary> LoadFrozenPlugin() {
  auto library = cdsd::PluginLibrary::Load(CDS_FROZEN_ABI_PLUGIN);
  EXPECT_TRUE(library.ok()) << library.status();
  return library.ok() ? *library : nullptr;
}

absl::StatusOr<std::shared_ptr<cdsd::PluginService>> CreateService(
    const std::shared_ptr<const cdsd::PluginLibrary>& library, const nlohmann::json& settings) {
  const cdsd::PluginConfig config{.id = "frozen-abi", .path = CDS_FROZEN_ABI_PLUGIN};
  return cdsd::PluginService::Create(config, library, settings);
}

std::string Request(const std::string& hook) {
  cds::plugin::v1::EvaluateInput input;
  input.set_hook(hook);
  input.set_hook_instance("frozen-abi-test");
  input.mutable_evaluation_time()->set_seconds(1795168800);  // 2026-11-20T10:00:00Z
  input.set_evaluation_date("2026-11-20");
  input.mutable_patient()->set_patient_id("frozen-abi-patient");
  input.mutable_patient()->set_birth_date("1980-03-15");
  input.set_service_id("frozen-abi");
  input.set_evaluation_id("frozen-abi-evaluation");
  return input.SerializeAsString();
}

TEST(FrozenAbi10Plugin, LoadsInTheCurrentHostWithItsOwnVersionAndTable) {
  auto library = LoadFrozenPlugin();
  ASSERT_NE(library, nullptr);
  EXPECT_EQ(library->abi_version().major, 1u);
  EXPECT_EQ(library->abi_version().minor, 0u);
  // The plugin reports the 1.0 table size, which the host must keep accepting.
  EXPECT_EQ(library->api().struct_size, CDS_PLUGIN_API_SIZE_1_0);
  EXPECT_TRUE(cdsd::CheckAbiCompatibility(library->abi_version()).ok());
  EXPECT_EQ(library->info().id(), "frozen-abi-1-0");
  EXPECT_EQ(library->info().version(), "1.0.0");
  EXPECT_EQ(library->info().hooks_size(), 2);
}

TEST(FrozenAbi10Plugin, EvaluatesARequestAndReturnsItsCard) {
  auto library = LoadFrozenPlugin();
  ASSERT_NE(library, nullptr);
  auto service = CreateService(library, nlohmann::json::object());
  ASSERT_TRUE(service.ok()) << service.status();

  const cdsd::PluginCallResult result = (*service)->Evaluate(Request("patient-view"));
  ASSERT_EQ(result.status, CDS_STATUS_OK) << result.error;
  cds::plugin::v1::EvaluateOutput output;
  ASSERT_TRUE(output.ParseFromArray(result.response.data(), static_cast<int>(result.response.size())));
  ASSERT_EQ(output.cards_size(), 1);
  // The summary echoes what the plugin decoded, so the request bytes crossed intact.
  EXPECT_EQ(output.cards(0).summary(), "Frozen ABI 1.0 plugin answered patient-view on 2026-11-20");
  EXPECT_EQ(output.cards(0).indicator(), cds::v1::INDICATOR_INFO);
  ASSERT_EQ(output.cards(0).citations_size(), 1);
  EXPECT_EQ(output.cards(0).citations(0).id(), "ABI-1.0");
}

TEST(FrozenAbi10Plugin, RefusedSettingsCarryThePluginsMessage) {
  auto library = LoadFrozenPlugin();
  ASSERT_NE(library, nullptr);
  auto service = CreateService(library, {{"greeting", "hello"}});
  ASSERT_FALSE(service.ok());
  EXPECT_NE(service.status().message().find("INVALID_SETTINGS"), std::string::npos) << service.status();
  EXPECT_NE(service.status().message().find("declares no settings"), std::string::npos)
      << service.status();
  EXPECT_NE(service.status().message().find("greeting"), std::string::npos) << service.status();
}

TEST(FrozenAbi10Plugin, UndecodableRequestIsAnInvalidArgumentWithoutResponse) {
  auto library = LoadFrozenPlugin();
  ASSERT_NE(library, nullptr);
  auto service = CreateService(library, nlohmann::json::object());
  ASSERT_TRUE(service.ok()) << service.status();
  // A length-delimited field claiming more bytes than follow.
  const cdsd::PluginCallResult result = (*service)->Evaluate(std::string("\x0a\x7f\x01", 3));
  EXPECT_EQ(result.status, CDS_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(result.response.size(), 0u);
  EXPECT_NE(result.error.find("not a valid"), std::string::npos) << result.error;
}

TEST(FrozenAbi10Plugin, UndeclaredHookIsUnsupported) {
  auto library = LoadFrozenPlugin();
  ASSERT_NE(library, nullptr);
  auto service = CreateService(library, nlohmann::json::object());
  ASSERT_TRUE(service.ok()) << service.status();
  const cdsd::PluginCallResult result = (*service)->Evaluate(Request("encounter-discharge"));
  EXPECT_EQ(result.status, CDS_STATUS_UNSUPPORTED) << result.error;
}

}  // namespace
