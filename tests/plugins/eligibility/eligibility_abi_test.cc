// The built plugin through its real C ABI: loaded with dlopen from the build tree, as cdsd loads
// it. Covers discovery, settings refusal, garbage request bytes, a real evaluation and
// concurrent calls on one instance.
#include <cds/plugin_api.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "eligibility_request.h"

namespace cds::eligibility {
namespace {

class LoadedPlugin {
 public:
  LoadedPlugin() {
    handle_ = dlopen(KETAMINE_ELIGIBILITY_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) return;
    auto entry = reinterpret_cast<cds_plugin_entry_fn>(dlsym(handle_, CDS_PLUGIN_ENTRY_SYMBOL));
    if (entry != nullptr) api_ = entry();
  }
  // Plugins stay mapped, as in cdsd: dlclose is not reliable for C++ libraries.
  const cds_plugin_api* api() const { return api_; }
  void* handle() const { return handle_; }

 private:
  void* handle_ = nullptr;
  const cds_plugin_api* api_ = nullptr;
};

const LoadedPlugin& Plugin() {
  static const LoadedPlugin plugin;
  return plugin;
}

std::string TakeBytes(const cds_plugin_api* api, cds_bytes& bytes) {
  std::string out(reinterpret_cast<const char*>(bytes.data), bytes.size);
  api->free_bytes(bytes.data);
  bytes = {nullptr, 0};
  return out;
}

struct Instance {
  cds_plugin_instance* instance = nullptr;
  cds_status status = CDS_STATUS_INTERNAL;
  std::string error;
};

Instance Create(const std::string& settings) {
  const cds_plugin_api* api = Plugin().api();
  Instance out;
  cds_bytes error{nullptr, 0};
  out.status = api->create(settings.data(), settings.size(), &out.instance, &error);
  out.error = TakeBytes(api, error);
  return out;
}

struct Evaluation {
  cds_status status = CDS_STATUS_INTERNAL;
  std::string response;
  std::string error;
};

Evaluation Evaluate(cds_plugin_instance* instance, const std::string& request) {
  const cds_plugin_api* api = Plugin().api();
  Evaluation out;
  cds_bytes response{nullptr, 0};
  cds_bytes error{nullptr, 0};
  out.status = api->evaluate(instance, reinterpret_cast<const uint8_t*>(request.data()),
                             request.size(), &response, &error);
  out.response = TakeBytes(api, response);
  out.error = TakeBytes(api, error);
  return out;
}

TEST(EligibilityPluginAbi, LoadsAndExportsOnlyTheEntryPoint) {
  ASSERT_NE(Plugin().handle(), nullptr) << dlerror();
  ASSERT_NE(Plugin().api(), nullptr);
  EXPECT_EQ(Plugin().api()->abi_major, CDS_PLUGIN_ABI_VERSION_MAJOR);
  EXPECT_GE(Plugin().api()->struct_size, CDS_PLUGIN_API_SIZE_1_0);
  EXPECT_EQ(dlsym(Plugin().handle(), "_ZN3cds11eligibility17EmbeddedKnowledgeEv"), nullptr);
}

TEST(EligibilityPluginAbi, InfoDescribesTheServiceHooksKnowledgeAndSettings) {
  ASSERT_NE(Plugin().api(), nullptr);
  const uint8_t* data = nullptr;
  size_t size = 0;
  cds_bytes error{nullptr, 0};
  ASSERT_EQ(Plugin().api()->get_info(&data, &size, &error), CDS_STATUS_OK);
  cds::plugin::v1::PluginInfo info;
  ASSERT_TRUE(info.ParseFromArray(data, static_cast<int>(size)));
  EXPECT_EQ(info.id(), "ketamine-eligibility");
  ASSERT_EQ(info.hooks_size(), 2);
  EXPECT_EQ(info.hooks(0), "patient-view");
  EXPECT_EQ(info.hooks(1), "order-select");
  EXPECT_FALSE(info.knowledge_version().empty());
  EXPECT_NE(info.settings_schema().find("\"label_edition\""), std::string::npos);
  EXPECT_GT(info.inputs_size(), 5);
}

TEST(EligibilityPluginAbi, UnknownSettingIsRefusedWithItsName) {
  ASSERT_NE(Plugin().api(), nullptr);
  const Instance created = Create(R"({"bp_caution_sistolic": 150})");
  EXPECT_EQ(created.status, CDS_STATUS_INVALID_SETTINGS);
  EXPECT_EQ(created.instance, nullptr);
  EXPECT_NE(created.error.find("bp_caution_sistolic"), std::string::npos) << created.error;
}

TEST(EligibilityPluginAbi, MalformedSettingsJsonIsRefused) {
  ASSERT_NE(Plugin().api(), nullptr);
  EXPECT_EQ(Create("{\"label_edition\":").status, CDS_STATUS_INVALID_SETTINGS);
  EXPECT_EQ(Create("[1,2]").status, CDS_STATUS_INVALID_SETTINGS);
}

TEST(EligibilityPluginAbi, GarbageRequestBytesReturnAnErrorAndNeverCrash) {
  ASSERT_NE(Plugin().api(), nullptr);
  const Instance created = Create("{}");
  ASSERT_EQ(created.status, CDS_STATUS_OK) << created.error;
  const Evaluation truncated = Evaluate(created.instance, std::string("\x0a\xff\xff\xff", 4));
  EXPECT_EQ(truncated.status, CDS_STATUS_INVALID_ARGUMENT);
  EXPECT_TRUE(truncated.response.empty());
  // Random bytes either fail to decode or decode into a request the plugin refuses or answers;
  // every outcome is a status, never a crash or a response alongside an error.
  std::mt19937 random(20261120);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(random() % 256, '\0');
    for (char& b : bytes) b = static_cast<char>(random());
    const Evaluation e = Evaluate(created.instance, bytes);
    if (e.status != CDS_STATUS_OK) {
      EXPECT_TRUE(e.response.empty());
    }
    EXPECT_NE(e.status, CDS_STATUS_INTERNAL) << e.error;
  }
  Plugin().api()->destroy(created.instance);
}

TEST(EligibilityPluginAbi, MissingEvaluationDateIsInvalidArgumentWithoutPatientData) {
  ASSERT_NE(Plugin().api(), nullptr);
  const Instance created = Create("{}");
  auto input = testing::EligibleRequest();
  input.clear_evaluation_date();
  const Evaluation e = Evaluate(created.instance, input.SerializeAsString());
  EXPECT_EQ(e.status, CDS_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(e.error.find("1980-03-15"), std::string::npos);
  Plugin().api()->destroy(created.instance);
}

TEST(EligibilityPluginAbi, EvaluatesARealRequestIntoOneEligibilityCard) {
  ASSERT_NE(Plugin().api(), nullptr);
  const Instance created = Create(R"({"label_edition": "us-2019"})");
  ASSERT_EQ(created.status, CDS_STATUS_OK) << created.error;
  const Evaluation e = Evaluate(created.instance, testing::EligibleRequest().SerializeAsString());
  ASSERT_EQ(e.status, CDS_STATUS_OK) << e.error;
  cds::plugin::v1::EvaluateOutput output;
  ASSERT_TRUE(output.ParseFromString(e.response));
  ASSERT_EQ(output.cards_size(), 1);
  EXPECT_EQ(output.cards(0).eligibility().status(), cds::v1::ELIGIBILITY_STATUS_ELIGIBLE);
  EXPECT_EQ(output.cards(0).eligibility().label_edition(), "us-2019");
  Plugin().api()->destroy(created.instance);
}

TEST(EligibilityPluginAbi, ConcurrentEvaluationsOnOneInstanceAgree) {
  ASSERT_NE(Plugin().api(), nullptr);
  const Instance created = Create("{}");
  ASSERT_EQ(created.status, CDS_STATUS_OK);
  auto review = testing::EligibleRequest();
  review.mutable_patient()->clear_pregnancy_status();
  const std::vector<std::string> requests = {testing::EligibleRequest().SerializeAsString(),
                                             review.SerializeAsString()};
  std::vector<std::string> expected;
  for (const std::string& r : requests) expected.push_back(Evaluate(created.instance, r).response);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::size_t which = (t + i) % requests.size();
        if (Evaluate(created.instance, requests[which]).response != expected[which]) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
  Plugin().api()->destroy(created.instance);
}

}  // namespace
}  // namespace cds::eligibility
