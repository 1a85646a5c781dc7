// The suggestion and action rules of suggestion_rules.h.
#include "suggestion_rules.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

namespace cds_plugin_check {
namespace {

// A FHIR resource the EHR can create or update: a JSON object naming its resourceType, and for
// UPDATE the id of the resource it replaces.
void CheckResource(const cds::v1::Action& action, const std::string& at, CardFindings& findings) {
  if (action.resource_json().empty()) {
    findings.Fail(at + " has no resource_json");
    return;
  }
  const nlohmann::json resource = nlohmann::json::parse(action.resource_json(), nullptr, false);
  if (resource.is_discarded() || !resource.is_object()) {
    findings.Fail(at + " resource_json is not a JSON object");
    return;
  }
  const auto type = resource.find("resourceType");
  if (type == resource.end() || !type->is_string() || type->get<std::string>().empty()) {
    findings.Fail(at + " resource_json has no string resourceType");
  }
  if (action.type() == cds::v1::ACTION_TYPE_UPDATE) {
    const auto id = resource.find("id");
    if (id == resource.end() || !id->is_string() || id->get<std::string>().empty()) {
      findings.Fail(at + " updates a resource_json without an id");
    }
  }
}

void CheckAction(const cds::v1::Action& action, const std::string& at, CardFindings& findings) {
  // FHIR: a resource type name, then an id of 1 to 64 letters, digits, '-' and '.'.
  static const std::regex kReference(R"([A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64})");
  if (action.description().empty()) findings.Fail(at + " has no description");
  switch (action.type()) {
    case cds::v1::ACTION_TYPE_CREATE:
    case cds::v1::ACTION_TYPE_UPDATE:
      CheckResource(action, at, findings);
      break;
    case cds::v1::ACTION_TYPE_DELETE:
      if (!std::regex_match(action.resource_id(), kReference)) {
        findings.Fail(at + " deletes \"" + action.resource_id().substr(0, 40) +
                      "\", not a \"Type/id\" reference");
      }
      break;
    default:
      findings.Fail(at + " has no type (create, update or delete)");
  }
}

}  // namespace

void CheckSuggestions(const cds::v1::Card& card, CardFindings& findings) {
  if (card.suggestions().empty()) return;
  const cds::v1::SelectionBehavior behavior = card.selection_behavior();
  if (behavior == cds::v1::SELECTION_BEHAVIOR_UNSPECIFIED ||
      !cds::v1::SelectionBehavior_IsValid(behavior)) {
    findings.Fail("has suggestions but no selection_behavior (CDS Hooks requires one)");
  } else if (behavior != cds::v1::SELECTION_BEHAVIOR_ANY) {
    findings.Warn("selection_behavior is " + cds::v1::SelectionBehavior_Name(behavior) +
                  ": Epic accepts only ANY");
  }
  std::set<std::string> uuids;
  for (int s = 0; s < card.suggestions_size(); ++s) {
    const cds::v1::Suggestion& suggestion = card.suggestions(s);
    const std::string at = "suggestions[" + std::to_string(s) + "]";
    if (suggestion.label().empty()) findings.Fail(at + " has no label");
    // A warning, not a failure: cdsd assigns card uuids but not suggestion uuids, so a
    // plugin-set one is kept and is how feedback names an accepted suggestion of the card.
    if (!suggestion.uuid().empty()) {
      findings.Warn(at + ".uuid is set by the plugin and kept as written (cdsd does not assign "
                    "suggestion uuids)");
      if (!uuids.insert(suggestion.uuid()).second) {
        findings.Fail(at + ".uuid " + suggestion.uuid().substr(0, 40) +
                      " is used by another suggestion of the card");
      }
    }
    if (suggestion.actions_size() > 1) {
      findings.Warn(at + " has " + std::to_string(suggestion.actions_size()) +
                    " actions: Epic accepts one per suggestion");
    }
    for (int a = 0; a < suggestion.actions_size(); ++a) {
      CheckAction(suggestion.actions(a), at + ".actions[" + std::to_string(a) + "]", findings);
    }
  }
}

}  // namespace cds_plugin_check
