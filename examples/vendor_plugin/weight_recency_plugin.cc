// acme-weight-recency: an example third-party plugin. Before a weight-based order, it warns when
// the patient has no body weight recorded recently enough to dose from. It shows the whole SDK in
// one file: metadata, declared settings, embedded knowledge, a card with its basis, and the
// export line. Built out of tree against the installed SDK (see CMakeLists.txt).
#include <cds/sdk/clinical.h>
#include <cds/sdk/plugin.h>
#include <cds/sdk/settings.h>
#include <cds_embedded.h>

#include <string>

namespace acme {
namespace {

const cds::sdk::SettingsSchema& Schema() {
  static const cds::sdk::SettingsSchema schema({
      {.name = "max_age_days", .type = cds::sdk::SettingSpec::Type::kInteger, .default_value = 30,
       .description = "A weight older than this many days does not count as current",
       .source = "site policy", .minimum = 1, .maximum = 365},
      {.name = "indicator_when_missing", .type = cds::sdk::SettingSpec::Type::kString,
       .default_value = "warning", .description = "Card indicator when no current weight exists",
       .allowed = {"info", "warning"}},
  });
  return schema;
}

// The embedded knowledge file: the rule's source, versioned with the plugin.
struct Knowledge {
  std::string version;
  cds::v1::Citation citation;
};

const Knowledge& LoadedKnowledge() {
  static const Knowledge knowledge = [] {
    const nlohmann::json file = nlohmann::json::parse(cds_embedded_weight_recency_json);
    Knowledge k;
    k.version = file.at("knowledge_version").get<std::string>();
    const nlohmann::json& c = file.at("citation");
    k.citation.set_id(c.at("id").get<std::string>());
    k.citation.set_title(c.at("title").get<std::string>());
    k.citation.set_url(c.at("url").get<std::string>());
    k.citation.set_edition(c.at("edition").get<std::string>());
    return k;
  }();
  return knowledge;
}

class WeightRecency {
 public:
  static cds::plugin::v1::PluginInfo Info() {
    cds::plugin::v1::PluginInfo info;
    info.set_id("acme-weight-recency");
    info.set_name("ACME weight recency");
    info.set_version(ACME_PLUGIN_VERSION);
    info.set_vendor("ACME Clinical Software (example)");
    info.set_title("Current body weight before weight-based orders");
    info.set_description(
        "Warns when the patient has no body weight recorded within the configured number of "
        "days, so weight-based doses are not computed from a stale or missing weight.");
    info.add_hooks("order-select");
    info.add_hooks("patient-view");
    info.set_knowledge_version(LoadedKnowledge().version);
    info.set_settings_schema(Schema().ToJsonSchema());
    cds::v1::InputRequirement* weight = info.add_inputs();
    weight->set_path("patient.weight");
    weight->set_description("Most recent body weight (LOINC 29463-7) with its effective time");
    weight->set_required(true);
    return info;
  }

  // Settings are validated here, once: an invalid value never reaches Evaluate.
  explicit WeightRecency(const nlohmann::json& settings)
      : settings_(Schema().Parse(settings)),
        max_age_days_(static_cast<int>(settings_.Integer("max_age_days"))),
        indicator_when_missing_(settings_.String("indicator_when_missing") == "info"
                                    ? cds::v1::INDICATOR_INFO
                                    : cds::v1::INDICATOR_WARNING) {}

  // Thread-safe: reads only the immutable settings and the request.
  void Evaluate(const cds::plugin::v1::EvaluateInput& input,
                cds::plugin::v1::EvaluateOutput& output) const {
    const std::optional<cds::sdk::Date> today = cds::sdk::EvaluationDate(input);
    if (!today) throw cds::sdk::InvalidRequest("evaluation_date is not a calendar date");
    const auto weight = cds::sdk::LatestObservation(input.patient(), cds::sdk::loinc::kBodyWeight);

    std::optional<int> age_days;
    if (weight && weight->observation->has_effective_time()) {
      const auto seconds = std::chrono::seconds(weight->observation->effective_time().seconds());
      const auto recorded = std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(seconds));
      age_days = static_cast<int>((*today - recorded).count());
    }
    // A weight in the future (clock skew, data entry) is as unusable as an old one.
    const bool current = age_days && *age_days >= 0 && *age_days <= max_age_days_;
    if (current) return;

    cds::v1::Card& card = *output.add_cards();
    const std::string window = std::to_string(max_age_days_) + " days";
    card.set_summary(Problem(weight.has_value(), age_days, window) +
                     ": weigh before weight-based dosing");
    card.set_detail("Weight-based doses need a measured, current weight in kilograms. A stated, "
                    "estimated or historical weight risks a dosing error.");
    card.set_indicator(indicator_when_missing_);
    card.mutable_source()->set_label("ACME weight recency (example plugin)");
    cds::sdk::AddCitation(card, LoadedKnowledge().citation);

    cds::v1::Criterion& criterion = *card.add_criteria();
    criterion.set_id("weight.current");
    criterion.set_description("Body weight recorded within the last " + window);
    criterion.set_role("requirement");
    criterion.add_citation_ids(LoadedKnowledge().citation.id());
    if (weight) {
      criterion.set_outcome(cds::v1::CRITERION_OUTCOME_NOT_MET);
      cds::sdk::AddInput(criterion, "Body weight",
                         cds::sdk::FormatNumber(weight->observation->value()) + " " +
                             weight->observation->unit(),
                         weight->path);
      criterion.set_explanation(age_days ? "Recorded " + std::to_string(*age_days) + " days before the evaluation date"
                                         : "Recorded without a date");
    } else {
      criterion.set_outcome(cds::v1::CRITERION_OUTCOME_UNKNOWN);
      criterion.set_explanation("No body weight in the request");
      cds::sdk::AddMissingInput(card, "patient.weight", "Body weight",
                                "cannot confirm a current weight for dosing");
    }
  }

 private:
  // What is wrong with the weight, as the start of the card's summary.
  static std::string Problem(bool has_weight, std::optional<int> age_days, const std::string& window) {
    if (!has_weight) return "No body weight recorded";
    if (!age_days) return "Body weight has no date";
    if (*age_days < 0) return "Body weight is dated after today";
    return "Body weight is older than " + window;
  }

  cds::sdk::Settings settings_;
  int max_age_days_;
  cds::v1::Indicator indicator_when_missing_;
};

}  // namespace
}  // namespace acme

CDS_PLUGIN(acme::WeightRecency)
