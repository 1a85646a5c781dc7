// The CDS Hooks JSON translations on their own, and the cds_hooks config section.
#include "rest/cds_hooks_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"

namespace cdsd::rest {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

std::vector<std::string> Fields(const std::vector<FieldViolation>& v) {
  std::vector<std::string> out;
  for (const auto& f : v) out.push_back(f.field);
  return out;
}

TEST(HookServices, TheFirstHookKeepsTheServiceIdAndEachFurtherHookGetsASuffix) {
  cds::v1::ServiceDescriptor service;
  service.set_id("dosing");
  service.add_hooks("order-select");
  service.add_hooks("treatment-review");
  const auto entries = HookServices({service});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, "dosing");
  EXPECT_EQ(entries[0].hook, "order-select");
  EXPECT_EQ(entries[1].id, "dosing--treatment-review");
  EXPECT_EQ(entries[1].hook, "dev.cdsd.treatment-review") << "custom hooks are published reverse-domain";
}

TEST(PrefetchKeysFor, AServiceReadsThePatientAndTheListsItsInputsName) {
  cds::v1::ServiceDescriptor service;
  service.add_inputs()->set_path("patient.conditions");
  service.add_inputs()->set_path("patient.observations[http://loinc.org|29463-7]");
  EXPECT_EQ(PrefetchKeysFor(service), (std::vector<std::string>{"patient", "conditions", "observations"}));
}

TEST(ParseHookRequest, ReadsTheSpecsFieldsAndCdsdsExtensions) {
  const json body = {
      {"hook", "patient-view"},
      {"hookInstance", "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"},
      {"fhirServer", "https://fhir.example.org"},
      {"fhirAuthorization",
       {{"access_token", "abc"}, {"token_type", "Bearer"}, {"expires_in", 300}, {"scope", "patient/*.read"},
        {"subject", "cds"}}},
      {"context", {{"patientId", "p1"}, {"userId", "Practitioner/1"}}},
      {"prefetch", {{"patient", {{"resourceType", "Patient"}, {"id", "p1"}}}}},
      {"extension", {{"dev.cdsd.evaluation", {{"evaluationTime", "2026-11-20T10:00:00Z"}, {"evaluationDate", "2026-11-20"}}}}},
  };
  HookRequest out;
  EXPECT_TRUE(ParseHookRequest(body, "svc", out).empty());
  EXPECT_EQ(out.request.hook(), "patient-view");
  EXPECT_EQ(out.request.service_ids(0), "svc");
  EXPECT_EQ(out.fhir_server, "https://fhir.example.org");
  EXPECT_EQ(out.fhir_access_token, "abc");
  EXPECT_EQ(out.request.evaluation_date(), "2026-11-20");
  EXPECT_TRUE(out.prefetch.contains("patient"));
}

TEST(ParseHookRequest, NamesEveryWrongField) {
  HookRequest out;
  const auto v = ParseHookRequest({{"hookInstance", 7}, {"context", "x"}, {"fhirAuthorization", {{"token_type", "MAC"}}}},
                                  "svc", out);
  const auto fields = Fields(v);
  EXPECT_THAT(fields, Contains("hook"));
  EXPECT_THAT(fields, Contains("hookInstance"));
  EXPECT_THAT(fields, Contains("context"));
  EXPECT_THAT(fields, Contains("fhirAuthorization.access_token"));
  EXPECT_THAT(fields, Contains("fhirAuthorization.token_type"));
  EXPECT_THAT(fields, Contains("fhirAuthorization.expires_in"));
}

TEST(CardsResponse, UsesLowerCaseIndicatorsResourceObjectsAndTheBasisExtension) {
  cds::v1::EvaluateResponse response;
  cds::v1::Card* card = response.add_cards();
  card->set_uuid("u");
  card->set_summary("s");
  card->set_indicator(cds::v1::INDICATOR_CRITICAL);
  card->mutable_source()->set_label("cdsd");
  auto* suggestion = card->add_suggestions();
  suggestion->set_uuid("s1");
  suggestion->set_label("order it");
  auto* action = suggestion->add_actions();
  action->set_type(cds::v1::ACTION_TYPE_CREATE);
  action->set_resource_json(R"({"resourceType":"ServiceRequest"})");
  card->add_criteria()->set_id("c1");
  card->add_override_reasons()->set_code("patient-declined");
  auto* link = card->add_links();
  link->set_url("https://example.org");
  link->set_type(cds::v1::LINK_TYPE_ABSOLUTE);
  const json out = CardsResponse(response);
  const json& c = out["cards"][0];
  EXPECT_EQ(c["indicator"], "critical");
  EXPECT_EQ(c["suggestions"][0]["actions"][0]["resource"]["resourceType"], "ServiceRequest");
  EXPECT_EQ(c["suggestions"][0]["actions"][0]["type"], "create");
  EXPECT_EQ(c["selectionBehavior"], "at-most-one");
  EXPECT_EQ(c["overrideReasons"][0]["code"], "patient-declined");
  EXPECT_EQ(c["links"][0]["type"], "absolute");
  EXPECT_EQ(c["extension"]["dev.cdsd.basis"]["criteria"][0]["id"], "c1");
  EXPECT_TRUE(out["systemActions"].is_array());
}

TEST(ParseFeedback, AcceptsAnOverrideWithoutAReason) {
  cds::v1::SubmitFeedbackRequest out;
  const json body = {{"feedback", json::array({{{"card", "c"}, {"outcome", "overridden"},
                                                {"outcomeTimestamp", "2026-11-20T10:00:00Z"}}})}};
  EXPECT_TRUE(ParseFeedback(body, out).empty());
  EXPECT_EQ(out.feedback(0).outcome(), cds::v1::FEEDBACK_OUTCOME_OVERRIDDEN);
}

TEST(ParseFeedback, ReadsAcceptedSuggestionsAndTheOverrideReason) {
  cds::v1::SubmitFeedbackRequest out;
  const json body = {{"feedback", json::array({{{"card", "c"},
                                                {"outcome", "accepted"},
                                                {"acceptedSuggestions", json::array({{{"id", "s1"}}})},
                                                {"overrideReason", {{"reason", {{"code", "r"}}}, {"userComment", "why"}}},
                                                {"outcomeTimestamp", "2026-11-20T10:00:00Z"}}})}};
  EXPECT_TRUE(ParseFeedback(body, out).empty());
  EXPECT_EQ(out.feedback(0).accepted_suggestion_uuids(0), "s1");
  EXPECT_EQ(out.feedback(0).override_reason().code(), "r");
  EXPECT_EQ(out.feedback(0).user_comment(), "why");
}

TEST(ParseFeedback, RequiresOutcomeTimestampAndAKnownOutcome) {
  cds::v1::SubmitFeedbackRequest out;
  const auto v = ParseFeedback({{"feedback", json::array({{{"card", "c"}, {"outcome", "ignored"}}})}}, out);
  EXPECT_THAT(Fields(v), Contains("feedback[0].outcomeTimestamp"));
  EXPECT_THAT(Fields(v), Contains("feedback[0].outcome"));
}

TEST(CdsHooksConfig, IsOffWhenAbsentAndReadWhenPresent) {
  auto off = ParseConfig("plugins: []\n", "/tmp/cdsd.yaml");
  ASSERT_TRUE(off.config);
  EXPECT_FALSE(off.config->cds_hooks);
  auto on = ParseConfig("cds_hooks:\n  listen: 127.0.0.1:8080\n  cors_allowed_origins: [https://ehr.example.org]\nplugins: []\n",
                        "/tmp/cdsd.yaml");
  ASSERT_TRUE(on.config) << FormatProblems(on.problems);
  ASSERT_TRUE(on.config->cds_hooks);
  EXPECT_EQ(on.config->cds_hooks->listen_address, "127.0.0.1:8080");
  EXPECT_EQ(on.config->cds_hooks->cors_allowed_origins, std::vector<std::string>{"https://ehr.example.org"});
}

TEST(CdsHooksConfig, ProblemsCarryFileLineAndColumn) {
  auto bad = ParseConfig("plugins: []\ncds_hooks:\n  listen: nowhere\n  max_conections: 3\n  fhir_servers: [ftp://x]\n",
                         "/tmp/cdsd.yaml");
  ASSERT_FALSE(bad.config);
  const std::string text = FormatProblems(bad.problems);
  EXPECT_THAT(text, HasSubstr("cdsd.yaml:3:11: cds_hooks.listen must be"));
  EXPECT_THAT(text, HasSubstr("cdsd.yaml:4:3: unknown key 'max_conections' in cds_hooks"));
  EXPECT_THAT(text, HasSubstr("cdsd.yaml:5:18: each cds_hooks.fhir_servers entry"));
  auto missing = ParseConfig("plugins: []\ncds_hooks: {threads: 2}\n", "/tmp/cdsd.yaml");
  EXPECT_THAT(FormatProblems(missing.problems), HasSubstr("cdsd.yaml:2:12: cds_hooks needs listen"));
}

}  // namespace
}  // namespace cdsd::rest
