// The ketamine-side-effect-triage service: answers the session-monitoring hook with one card that
// triages what staff recorded during and after a ketamine or esketamine session (clinical
// reference, section 3). The plugin class the SDK wraps in the C ABI.
#ifndef CDS_PLUGINS_SIDE_EFFECT_TRIAGE_SIDE_EFFECT_TRIAGE_H_
#define CDS_PLUGINS_SIDE_EFFECT_TRIAGE_SIDE_EFFECT_TRIAGE_H_

#include <cds/plugin/v1/plugin.pb.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "discharge_readiness.h"
#include "triage_knowledge.h"
#include "triage_rules.h"
#include "triage_settings.h"

namespace cds::triage {

inline constexpr char kServiceId[] = "ketamine-side-effect-triage";
inline constexpr char kSessionMonitoringHook[] = "session-monitoring";

class SideEffectTriage {
 public:
  static cds::plugin::v1::PluginInfo Info();

  // Throws cds::sdk::SettingsError naming each bad setting.
  explicit SideEffectTriage(const nlohmann::json& settings);

  // Thread-safe: reads only the immutable state built at construction.
  void Evaluate(const cds::plugin::v1::EvaluateInput& input,
                cds::plugin::v1::EvaluateOutput& output) const;

 private:
  const TriageKnowledge& knowledge_;
  TriageSettings settings_;
  TriageRules rules_;
  DischargeCriteria discharge_;
  std::vector<const cds::v1::Citation*> cited_sources_;
};

}  // namespace cds::triage

#endif  // CDS_PLUGINS_SIDE_EFFECT_TRIAGE_SIDE_EFFECT_TRIAGE_H_
