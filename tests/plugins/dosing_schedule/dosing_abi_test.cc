// The plugin through its C ABI: the SDK's table linked in statically, and the built .so loaded
// with dlopen, each fed real and garbage bytes.
#include <cds/plugin_api.h>
#include <cds/sdk/plugin.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <string>

#include "dosing_requests.h"
#include "dosing_schedule_service.h"

namespace cds::dosing {
namespace {

using testing::Request;

std::string Take(const cds_plugin_api& api, cds_bytes& bytes) {
  std::string out(reinterpret_cast<const char*>(bytes.data), bytes.size);
  api.free_bytes(bytes.data);
  bytes = {nullptr, 0};
  return out;
}

cds_plugin_instance* Create(const cds_plugin_api& api, const std::string& settings) {
  cds_plugin_instance* instance = nullptr;
  cds_bytes error{nullptr, 0};
  const cds_status status = api.create(settings.data(), settings.size(), &instance, &error);
  EXPECT_EQ(status, CDS_STATUS_OK) << Take(api, error);
  return instance;
}

// What every table must do: describe itself, refuse bad settings by name, answer a real request,
// and turn garbage into an error rather than a crash.
void ExerciseTable(const cds_plugin_api& api) {
  EXPECT_EQ(api.abi_major, static_cast<uint32_t>(CDS_PLUGIN_ABI_VERSION_MAJOR));
  EXPECT_GE(api.struct_size, CDS_PLUGIN_API_SIZE_1_0);

  const uint8_t* info_bytes = nullptr;
  size_t info_size = 0;
  cds_bytes error{nullptr, 0};
  ASSERT_EQ(api.get_info(&info_bytes, &info_size, &error), CDS_STATUS_OK);
  cds::plugin::v1::PluginInfo info;
  ASSERT_TRUE(info.ParseFromArray(info_bytes, static_cast<int>(info_size)));
  EXPECT_EQ(info.id(), "ketamine-dosing-schedule");
  EXPECT_EQ(info.hooks_size(), 3);
  EXPECT_FALSE(info.knowledge_version().empty());
  EXPECT_NE(info.settings_schema().find("label_edition"), std::string::npos);

  cds_plugin_instance* refused = nullptr;
  const std::string bad_settings = R"({"label_edition": "us-1999"})";
  EXPECT_EQ(api.create(bad_settings.data(), bad_settings.size(), &refused, &error),
            CDS_STATUS_INVALID_SETTINGS);
  EXPECT_EQ(refused, nullptr);
  EXPECT_NE(Take(api, error).find("label_edition"), std::string::npos);
  const std::string not_json = "{label_edition";
  EXPECT_EQ(api.create(not_json.data(), not_json.size(), &refused, &error),
            CDS_STATUS_INVALID_SETTINGS);
  Take(api, error);

  cds_plugin_instance* instance = Create(api, R"({"label_edition": "eu", "calendar_weeks": 12})");
  ASSERT_NE(instance, nullptr);

  Request request("order-select", "2026-03-02");
  request.BornOn("1960-01-01").EsketamineTrd("2026-03-02");
  const std::string bytes = request.input().SerializeAsString();
  cds_bytes response{nullptr, 0};
  ASSERT_EQ(api.evaluate(instance, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                         &response, &error),
            CDS_STATUS_OK);
  cds::plugin::v1::EvaluateOutput output;
  ASSERT_TRUE(output.ParseFromString(Take(api, response)));
  ASSERT_EQ(output.cards_size(), 1);
  EXPECT_EQ(output.cards(0).dosing_schedule().sessions(0).dose_mg(), 28);

  const std::string garbage = "\xff\xff\xff\xff\x0f not a protobuf \x01\x02";
  EXPECT_EQ(api.evaluate(instance, reinterpret_cast<const uint8_t*>(garbage.data()), garbage.size(),
                         &response, &error),
            CDS_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(response.data, nullptr);
  EXPECT_FALSE(Take(api, error).empty());

  // A truncated real request is also garbage.
  EXPECT_NE(api.evaluate(instance, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size() / 2,
                         &response, &error),
            CDS_STATUS_OK);
  Take(api, error);

  request.mutable_input().set_hook("patient-view");
  const std::string unsupported = request.input().SerializeAsString();
  EXPECT_EQ(api.evaluate(instance, reinterpret_cast<const uint8_t*>(unsupported.data()),
                         unsupported.size(), &response, &error),
            CDS_STATUS_UNSUPPORTED);
  Take(api, error);

  api.destroy(instance);
}

TEST(DosingAbi, StaticTableAnswersRequestsAndRefusesGarbage) {
  ExerciseTable(*cds::sdk::detail::Adapter<DosingScheduleService>::Table());
}

TEST(DosingAbi, BuiltLibraryExportsOnlyTheEntryPointAndAnswersThroughIt) {
  void* library = dlopen(DOSING_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  const auto entry = reinterpret_cast<cds_plugin_entry_fn>(dlsym(library, CDS_PLUGIN_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(dlsym(library,
                  "_ZN3cds6dosing21DosingScheduleService8EvaluateERKNS_"
                  "6plugin2v113EvaluateInputERNS3_14EvaluateOutputE"),
            nullptr);
  ExerciseTable(*entry());
  // Retired libraries stay mapped (platform notes): no dlclose.
}

}  // namespace
}  // namespace cds::dosing
