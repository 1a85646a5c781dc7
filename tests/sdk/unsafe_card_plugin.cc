// A plugin whose card is well-formed and safe in every way but the one named by its "flaw"
// setting, so each card rule of cds-plugin-check is shown to catch the fault it exists for (one
// build, one settings file per flaw; see CMakeLists.txt). With flaw "none" its card uses every
// part of a card correctly (links, markdown, a suggestion, an override reason, a declared vendor
// decision) and must pass. The flaws that one EHR refuses but CDS Hooks allows give warnings.
#include <cds/sdk/plugin.h>
#include <cds/sdk/settings.h>

#include <string>

namespace {

// The one vendor decision type the plugin declares in PluginInfo.decision_types.
constexpr char kDeclaredDecision[] = "cds.v1.Coding";

const std::vector<std::string>& Flaws() {
  static const std::vector<std::string> flaws = {
      "none",
      // Failures.
      "javascript_link", "data_source_icon", "http_smart_link", "relative_link",
      "script_in_detail", "img_onerror_in_detail", "html_in_detail", "javascript_markdown_link",
      "javascript_autolink", "suggestion_without_selection_behavior", "suggestion_without_label",
      "create_without_resource_type", "create_with_non_object", "delete_without_reference",
      "override_reason_without_display", "override_reason_without_code", "long_summary_in_characters",
      "summary_over_the_byte_limit", "empty_summary", "plugin_set_card_uuid",
      "undeclared_vendor_decision",
      // Warnings.
      "at_most_one_selection", "two_actions", "plugin_set_suggestion_uuid"};
  return flaws;
}

const cds::sdk::SettingsSchema& Schema() {
  static const cds::sdk::SettingsSchema schema({
      {.name = "flaw", .type = cds::sdk::SettingSpec::Type::kString, .default_value = "none",
       .description = "The one thing wrong with the card", .allowed = Flaws()},
  });
  return schema;
}

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

class UnsafeCardPlugin {
 public:
  static cds::plugin::v1::PluginInfo Info() {
    cds::plugin::v1::PluginInfo info;
    info.set_id("test-unsafe-card");
    info.set_name("Plugin with one unsafe card part");
    info.set_title("Unsafe card test plugin");
    info.set_description("Its card breaks the one card rule its flaw setting names.");
    info.set_vendor("cdsd tests");
    info.set_version("1.0.0");
    info.add_hooks("patient-view");
    info.set_knowledge_version("test-1");
    info.set_settings_schema(Schema().ToJsonSchema());
    info.add_decision_types(kDeclaredDecision);
    return info;
  }

  explicit UnsafeCardPlugin(const nlohmann::json& settings)
      : flaw_(Schema().Parse(settings).String("flaw")) {}

  void Evaluate(const cds::plugin::v1::EvaluateInput&, cds::plugin::v1::EvaluateOutput& output) const {
    cds::v1::Card& card = *output.add_cards();
    WriteSafeCard(card);
    Break(card);
  }

 private:
  static void WriteSafeCard(cds::v1::Card& card) {
    card.set_summary("Review the test finding");
    card.set_detail("See [the guideline](https://example.org/guideline) or <https://example.org/>.\n"
                    "Threshold: score <5 means low.\n\n[ref]: https://example.org/ref\n");
    card.set_indicator(cds::v1::INDICATOR_INFO);
    card.mutable_source()->set_label("cdsd tests");
    card.mutable_source()->set_url("https://example.org/source");
    card.mutable_source()->set_icon("https://example.org/icon.png");
    cds::v1::Citation& citation = *card.add_citations();
    citation.set_id("T1");
    citation.set_title("Test citation");
    citation.set_url("https://example.org/citation");
    cds::v1::Link& link = *card.add_links();
    link.set_label("Guideline");
    link.set_url("https://example.org/guideline");
    link.set_type(cds::v1::LINK_TYPE_ABSOLUTE);
    cds::v1::Link& smart = *card.add_links();
    smart.set_label("Test app");
    smart.set_url("https://example.org/launch");
    smart.set_type(cds::v1::LINK_TYPE_SMART);
    card.set_selection_behavior(cds::v1::SELECTION_BEHAVIOR_ANY);
    cds::v1::Suggestion& suggestion = *card.add_suggestions();
    suggestion.set_label("Order the follow-up test");
    cds::v1::Action& action = *suggestion.add_actions();
    action.set_type(cds::v1::ACTION_TYPE_CREATE);
    action.set_description("Create the follow-up order");
    action.set_resource_json(R"({"resourceType":"ServiceRequest","status":"draft"})");
    cds::v1::Coding& reason = *card.add_override_reasons();
    reason.set_system("https://example.org/override-reasons");
    reason.set_code("not-indicated");
    reason.set_display("Not indicated for this patient");
    cds::v1::Coding decision;
    decision.set_code("reviewed");
    card.mutable_vendor_decision()->PackFrom(decision);
  }

  void Break(cds::v1::Card& card) const {
    cds::v1::Suggestion& suggestion = *card.mutable_suggestions(0);
    cds::v1::Action& action = *suggestion.mutable_actions(0);
    if (flaw_ == "javascript_link") card.mutable_links(0)->set_url("javascript:alert(1)");
    if (flaw_ == "data_source_icon") card.mutable_source()->set_icon("data:image/png;base64,AAAA");
    if (flaw_ == "http_smart_link") card.mutable_links(1)->set_url("http://example.org/launch");
    if (flaw_ == "relative_link") card.mutable_links(0)->set_url("/guideline");
    if (flaw_ == "script_in_detail") card.set_detail("Read this <script src=https://example.org/x.js>");
    if (flaw_ == "img_onerror_in_detail") card.set_detail("<img src=x onerror=steal()>");
    if (flaw_ == "html_in_detail") card.set_detail("Read<br>this");
    if (flaw_ == "javascript_markdown_link") card.set_detail("[open](javascript:steal())");
    if (flaw_ == "javascript_autolink") card.set_detail("Open <javascript:steal()>");
    if (flaw_ == "suggestion_without_selection_behavior") card.clear_selection_behavior();
    if (flaw_ == "suggestion_without_label") suggestion.clear_label();
    if (flaw_ == "create_without_resource_type") action.set_resource_json(R"({"status":"draft"})");
    if (flaw_ == "create_with_non_object") action.set_resource_json(R"(["ServiceRequest"])");
    if (flaw_ == "delete_without_reference") {
      action.set_type(cds::v1::ACTION_TYPE_DELETE);
      action.set_resource_id("the old order");
    }
    if (flaw_ == "override_reason_without_display") card.mutable_override_reasons(0)->clear_display();
    if (flaw_ == "override_reason_without_code") card.mutable_override_reasons(0)->clear_code();
    // 140 two-byte characters: too long in characters, not only in bytes.
    if (flaw_ == "long_summary_in_characters") card.set_summary(Repeat("\u00e9", 140));
    // 70 two-byte characters: short enough in characters, but cdsd cuts at 140 bytes.
    if (flaw_ == "summary_over_the_byte_limit") card.set_summary(Repeat("\u00e9", 70));
    if (flaw_ == "empty_summary") card.clear_summary();
    if (flaw_ == "plugin_set_card_uuid") card.set_uuid("00000000-0000-4000-8000-000000000001");
    if (flaw_ == "undeclared_vendor_decision") {
      card.mutable_vendor_decision()->PackFrom(cds::v1::Citation());
    }
    if (flaw_ == "at_most_one_selection") {
      card.set_selection_behavior(cds::v1::SELECTION_BEHAVIOR_AT_MOST_ONE);
    }
    if (flaw_ == "two_actions") *suggestion.add_actions() = action;
    if (flaw_ == "plugin_set_suggestion_uuid") {
      suggestion.set_uuid("00000000-0000-4000-8000-000000000002");
    }
  }

  std::string flaw_;
};

}  // namespace

CDS_PLUGIN(UnsafeCardPlugin)
