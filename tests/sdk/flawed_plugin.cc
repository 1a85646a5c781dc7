// A plugin that conforms in every way but one, named by cds_test_flaw (each variant's library
// defines it: tests/CMakeLists.txt cds_add_plugin_variants), so each check
// of cds-plugin-check is shown to catch the fault it exists for:
//   oversized_table        reports ABI 1.0 with a table larger than 1.0 defines    (abi version)
//   sparse_metadata        no title, description or settings schema; version "1.0" (metadata)
//   accepts_any_settings   never refuses a setting                                  (invalid settings)
//   long_summary           a 150-character summary, no indicator, no citation       (cards)
//   nondeterministic       counts its calls and puts the count in the card          (determinism)
//   not_reentrant          fails when another evaluate is running at the same time  (concurrency)
//   crashes_on_bad_input   trusts evaluation_date to be set, and aborts otherwise   (robustness)
#include <cds/sdk/plugin.h>
#include <cds/sdk/settings.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>

extern "C" const char cds_test_flaw[];

namespace {

const std::string_view kFlaw = cds_test_flaw;

const cds::sdk::SettingsSchema& Schema() {
  static const cds::sdk::SettingsSchema schema({
      {.name = "greeting", .type = cds::sdk::SettingSpec::Type::kString, .default_value = "Review",
       .description = "First word of the card summary"},
  });
  return schema;
}

class FlawedPlugin {
 public:
  static cds::plugin::v1::PluginInfo Info() {
    cds::plugin::v1::PluginInfo info;
    info.set_id("test-flawed");
    info.set_name("Plugin with one flaw: " + std::string(kFlaw));
    info.set_vendor("cdsd tests");
    info.add_hooks("patient-view");
    info.set_knowledge_version("test-1");
    if (kFlaw == "sparse_metadata") {
      info.set_version("1.0");
    } else {
      info.set_version("1.0.0");
      info.set_title("Flawed test plugin");
      info.set_description("Conforms in every way but one, for the conformance checker's tests.");
      info.set_settings_schema(Schema().ToJsonSchema());
    }
    return info;
  }

  explicit FlawedPlugin(const nlohmann::json& settings)
      : settings_(kFlaw == "accepts_any_settings" ? cds::sdk::Settings(nlohmann::json{{"greeting", "Review"}})
                                                   : Schema().Parse(settings)) {}

  void Evaluate(const cds::plugin::v1::EvaluateInput& input,
                cds::plugin::v1::EvaluateOutput& output) const {
    if (kFlaw == "crashes_on_bad_input" && input.evaluation_date().empty()) std::abort();
    if (kFlaw == "not_reentrant") EnterAlone();
    cds::v1::Card* card = output.add_cards();
    card->set_summary(settings_.String("greeting") + " " + input.hook());
    card->set_indicator(cds::v1::INDICATOR_INFO);
    card->mutable_source()->set_label("cdsd tests");
    cds::v1::Citation* citation = card->add_citations();
    citation->set_id("T1");
    citation->set_title("Test citation");
    if (kFlaw == "long_summary") {
      card->set_summary(std::string(150, 'x'));
      card->set_indicator(cds::v1::INDICATOR_UNSPECIFIED);
      card->clear_citations();
    }
    if (kFlaw == "nondeterministic") {
      card->set_detail("call " + std::to_string(calls_.fetch_add(1) + 1));
    }
  }

 private:
  // Holds a flag for a few milliseconds; a second caller finding it set gives up, like a plugin
  // that keeps per-call state in a member without a lock.
  void EnterAlone() const {
    if (busy_.exchange(true)) throw std::runtime_error("evaluate is already running");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    busy_.store(false);
  }

  cds::sdk::Settings settings_;
  mutable std::atomic<int> calls_{0};
  mutable std::atomic<bool> busy_{false};
};

}  // namespace

// The oversized_table variant reports ABI 1.0 with a table 8 bytes longer than 1.0 defines.
extern "C" CDS_PLUGIN_EXPORT const cds_plugin_api* cds_plugin_entry(void) {
  static const cds_plugin_api table = [] {
    cds_plugin_api t = *::cds::sdk::detail::Adapter<FlawedPlugin>::Table();
    if (kFlaw == "oversized_table") t.struct_size = sizeof(cds_plugin_api) + 8;
    return t;
  }();
  return &table;
}
