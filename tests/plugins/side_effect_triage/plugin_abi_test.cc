// The built plugin through the real C ABI: dlopen the .so, resolve cds_plugin_entry, and call the
// table the way cdsd does, including with bad settings and garbage request bytes.
#include <cds/plugin/v1/plugin.pb.h>
#include <cds/plugin_api.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "session_request.h"

namespace cds::triage::testing {
namespace {

class LoadedPlugin {
 public:
  LoadedPlugin() {
    // RTLD_LOCAL: the plugin's hidden copy of the payload code must stand on its own.
    handle_ = dlopen(TRIAGE_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) return;
    auto entry = reinterpret_cast<cds_plugin_entry_fn>(dlsym(handle_, CDS_PLUGIN_ENTRY_SYMBOL));
    if (entry != nullptr) api_ = entry();
  }
  ~LoadedPlugin() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  const cds_plugin_api* api() const { return api_; }

  // Returns the status; on error, `message` holds the plugin's error text.
  cds_status Create(const std::string& settings, cds_plugin_instance** instance,
                    std::string* message) const {
    cds_bytes error{nullptr, 0};
    const cds_status status = api_->create(settings.data(), settings.size(), instance, &error);
    *message = Take(error);
    return status;
  }

  cds_status Evaluate(cds_plugin_instance* instance, const std::string& request,
                      std::string* response, std::string* message) const {
    cds_bytes out{nullptr, 0};
    cds_bytes error{nullptr, 0};
    const cds_status status = api_->evaluate(
        instance, reinterpret_cast<const uint8_t*>(request.data()), request.size(), &out, &error);
    *response = Take(out);
    *message = Take(error);
    return status;
  }

 private:
  std::string Take(cds_bytes bytes) const {
    std::string text(reinterpret_cast<const char*>(bytes.data), bytes.size);
    api_->free_bytes(bytes.data);
    return text;
  }

  void* handle_ = nullptr;
  const cds_plugin_api* api_ = nullptr;
};

class PluginAbi : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(plugin_.api(), nullptr) << "cannot load " << TRIAGE_PLUGIN_PATH << ": " << dlerror();
  }

  cds_plugin_instance* CreateDefault() {
    cds_plugin_instance* instance = nullptr;
    std::string message;
    EXPECT_EQ(plugin_.Create("{}", &instance, &message), CDS_STATUS_OK) << message;
    return instance;
  }

  LoadedPlugin plugin_;
};

TEST_F(PluginAbi, TableDeclaresTheAbiVersionItWasBuiltWith) {
  EXPECT_EQ(plugin_.api()->abi_major, CDS_PLUGIN_ABI_VERSION_MAJOR);
  EXPECT_EQ(plugin_.api()->abi_minor, CDS_PLUGIN_ABI_VERSION_MINOR);
  EXPECT_GE(plugin_.api()->struct_size, CDS_PLUGIN_API_SIZE_1_0);
}

TEST_F(PluginAbi, InfoNamesTheServiceHookKnowledgeAndSettingsSchema) {
  const uint8_t* bytes = nullptr;
  size_t size = 0;
  cds_bytes error{nullptr, 0};
  ASSERT_EQ(plugin_.api()->get_info(&bytes, &size, &error), CDS_STATUS_OK);
  cds::plugin::v1::PluginInfo info;
  ASSERT_TRUE(info.ParseFromArray(bytes, static_cast<int>(size)));
  EXPECT_EQ(info.id(), "ketamine-side-effect-triage");
  ASSERT_EQ(info.hooks_size(), 1);
  EXPECT_EQ(info.hooks(0), "session-monitoring");
  EXPECT_EQ(info.knowledge_version(), EmbeddedKnowledge().knowledge_version);
  const nlohmann::json schema = nlohmann::json::parse(info.settings_schema());
  EXPECT_TRUE(schema["properties"].contains("spo2_low_percent"));
  EXPECT_GT(info.inputs_size(), 0);
}

TEST_F(PluginAbi, CreateRefusesAnInvalidSettingAndNamesIt) {
  cds_plugin_instance* instance = nullptr;
  std::string message;
  EXPECT_EQ(plugin_.Create(R"({"bp_severe_systolic_mmhg": "high"})", &instance, &message),
            CDS_STATUS_INVALID_SETTINGS);
  EXPECT_EQ(instance, nullptr);
  EXPECT_NE(message.find("bp_severe_systolic_mmhg"), std::string::npos) << message;
}

TEST_F(PluginAbi, CreateRefusesMalformedSettingsJson) {
  cds_plugin_instance* instance = nullptr;
  std::string message;
  EXPECT_EQ(plugin_.Create("{\"spo2_low_percent\": ", &instance, &message),
            CDS_STATUS_INVALID_SETTINGS);
  EXPECT_EQ(instance, nullptr);
}

TEST_F(PluginAbi, EvaluateReturnsOneTriageCard) {
  cds_plugin_instance* instance = CreateDefault();
  ASSERT_NE(instance, nullptr);
  const std::string request = SessionRequest::Calm()
                                  .Vitals(40, 186, 112, 97, 16)
                                  .SnomedSymptom("29857009")
                                  .input()
                                  .SerializeAsString();
  std::string response, message;
  ASSERT_EQ(plugin_.Evaluate(instance, request, &response, &message), CDS_STATUS_OK) << message;
  cds::plugin::v1::EvaluateOutput output;
  ASSERT_TRUE(output.ParseFromString(response));
  ASSERT_EQ(output.cards_size(), 1);
  EXPECT_EQ(output.cards(0).triage().level(), cds::v1::TRIAGE_LEVEL_EMERGENCY);
  EXPECT_EQ(output.cards(0).indicator(), cds::v1::INDICATOR_CRITICAL);
  plugin_.api()->destroy(instance);
}

TEST_F(PluginAbi, GarbageRequestBytesReturnAnErrorNotACrash) {
  cds_plugin_instance* instance = CreateDefault();
  ASSERT_NE(instance, nullptr);
  std::mt19937 random(42);
  const std::string valid = SessionRequest::Calm().input().SerializeAsString();
  std::vector<std::string> inputs = {std::string(64, '\xff'), valid.substr(0, valid.size() / 2)};
  for (int i = 0; i < 200; ++i) {
    std::string bytes(1 + random() % 512, '\0');
    for (char& b : bytes) b = static_cast<char>(random());
    inputs.push_back(bytes);
  }
  for (const std::string& bytes : inputs) {
    std::string response, message;
    const cds_status status = plugin_.Evaluate(instance, bytes, &response, &message);
    // Random bytes occasionally decode as a valid message with no hook: that is UNSUPPORTED.
    EXPECT_NE(status, CDS_STATUS_OK);
    EXPECT_NE(status, CDS_STATUS_INTERNAL) << message;
    EXPECT_TRUE(response.empty());
  }
  plugin_.api()->destroy(instance);
}

TEST_F(PluginAbi, OtherHookIsUnsupportedWithoutPatientDataInTheMessage) {
  cds_plugin_instance* instance = CreateDefault();
  ASSERT_NE(instance, nullptr);
  const std::string request =
      SessionRequest::Calm().Hook("patient-view").input().SerializeAsString();
  std::string response, message;
  EXPECT_EQ(plugin_.Evaluate(instance, request, &response, &message), CDS_STATUS_UNSUPPORTED);
  EXPECT_TRUE(response.empty());
  EXPECT_NE(message.find("session-monitoring"), std::string::npos) << message;
  EXPECT_EQ(message.find("test-patient"), std::string::npos) << "no patient data in errors";
  plugin_.api()->destroy(instance);
}

TEST_F(PluginAbi, ConcurrentEvaluationsOnOneInstanceAgree) {
  cds_plugin_instance* instance = CreateDefault();
  ASSERT_NE(instance, nullptr);
  const std::string request = SessionRequest::Calm()
                                  .Vitals(40, 181, 100, 89, 16)
                                  .CdsdSymptom("dissociation")
                                  .input()
                                  .SerializeAsString();
  std::string expected, message;
  ASSERT_EQ(plugin_.Evaluate(instance, request, &expected, &message), CDS_STATUS_OK);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string response, error;
        if (plugin_.Evaluate(instance, request, &response, &error) != CDS_STATUS_OK ||
            response != expected) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
  plugin_.api()->destroy(instance);
}

}  // namespace
}  // namespace cds::triage::testing
