// FHIR R4 prefetch to PatientContext: presence from prefetch keys, each resource type's mapping,
// and what cannot be mapped being reported rather than guessed.
#include "fhir/fhir_patient_mapper.h"

#include <gtest/gtest.h>

namespace cdsd::fhir {
namespace {

using nlohmann::json;

json Bundle(std::initializer_list<json> resources) {
  json bundle = {{"resourceType", "Bundle"}, {"type", "searchset"}, {"entry", json::array()}};
  for (const json& r : resources) bundle["entry"].push_back({{"resource", r}});
  return bundle;
}

TEST(FhirPatientMapper, AbsentPrefetchKeyIsNotRetrievedAndNullIsRetrievedNone) {
  const json prefetch = {{"allergies", nullptr}};
  const MappingResult result = MapHookInput(json{{"patientId", "p1"}}, prefetch);
  EXPECT_EQ(result.patient.retrieval().allergies(), cds::v1::RETRIEVAL_RETRIEVED);
  EXPECT_EQ(result.patient.allergies_size(), 0);
  EXPECT_EQ(result.patient.retrieval().conditions(), cds::v1::RETRIEVAL_NOT_RETRIEVED);
  EXPECT_EQ(result.patient.retrieval().medications(), cds::v1::RETRIEVAL_NOT_RETRIEVED);
  EXPECT_EQ(result.patient.patient_id(), "p1");
}

TEST(FhirPatientMapper, OperationOutcomeInPlaceOfAPrefetchValueIsNotRetrieved) {
  const json failed = {{"resourceType", "OperationOutcome"},
                       {"issue", {{{"severity", "error"}, {"code", "timeout"}}}}};
  const MappingResult result = MapHookInput(json::object(), json{{"conditions", failed}});
  EXPECT_EQ(result.patient.retrieval().conditions(), cds::v1::RETRIEVAL_NOT_RETRIEVED)
      << "a failed prefetch is a missing input, never 'no conditions'";
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].path, "prefetch.conditions");
}

TEST(FhirPatientMapper, NoPrefetchAtAllLeavesEveryListNotRetrieved) {
  const MappingResult result = MapHookInput(json::object(), nullptr);
  EXPECT_EQ(result.patient.retrieval().conditions(), cds::v1::RETRIEVAL_NOT_RETRIEVED);
  EXPECT_EQ(result.patient.retrieval().observations(), cds::v1::RETRIEVAL_NOT_RETRIEVED);
}

TEST(FhirPatientMapper, ConditionKeepsCodesStatusOnsetAndAbatement) {
  const json condition = {
      {"resourceType", "Condition"},
      {"code", {{"coding", {{{"system", "http://hl7.org/fhir/sid/icd-10-cm"}, {"code", "I21.4"}}}}}},
      {"clinicalStatus", {{"coding", {{{"code", "resolved"}}}}}},
      {"verificationStatus", {{"coding", {{{"code", "confirmed"}}}}}},
      {"onsetDateTime", "2026-11-10T08:00:00Z"},
      {"abatementDateTime", "2026-11-20"}};
  const MappingResult result = MapHookInput(json::object(), json{{"conditions", Bundle({condition})}});
  ASSERT_EQ(result.patient.conditions_size(), 1);
  const auto& c = result.patient.conditions(0);
  EXPECT_EQ(c.code().coding(0).code(), "I21.4");
  EXPECT_EQ(c.clinical_status(), cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED);
  EXPECT_EQ(c.verification_status(), cds::v1::VERIFICATION_STATUS_CONFIRMED);
  EXPECT_EQ(c.onset_date(), "2026-11-10");
  EXPECT_EQ(c.abatement_date(), "2026-11-20");
  EXPECT_EQ(result.patient.retrieval().conditions(), cds::v1::RETRIEVAL_RETRIEVED);
}

TEST(FhirPatientMapper, ConditionWithoutCodeIsDroppedAndReported) {
  const json condition = {{"resourceType", "Condition"}, {"clinicalStatus", {{"coding", {{{"code", "active"}}}}}}};
  const MappingResult result = MapHookInput(json::object(), json{{"conditions", Bundle({condition})}});
  EXPECT_EQ(result.patient.conditions_size(), 0);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].path, "prefetch.conditions.entry[0].resource.code");
}

TEST(FhirPatientMapper, BloodPressurePanelBecomesSystolicAndDiastolic) {
  const json bp = {
      {"resourceType", "Observation"}, {"status", "final"},
      {"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", "85354-9"}}}}}},
      {"effectiveDateTime", "2026-12-01T09:30:00Z"},
      {"component",
       {{{"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", "8480-6"}}}}}},
         {"valueQuantity", {{"value", 152}, {"code", "mm[Hg]"}}}},
        {{"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", "8462-4"}}}}}},
         {"valueQuantity", {{"value", 94}, {"code", "mm[Hg]"}}}}}}};
  const MappingResult result = MapHookInput(json::object(), json{{"observations", Bundle({bp})}});
  ASSERT_EQ(result.patient.observations_size(), 2);
  EXPECT_EQ(result.patient.observations(0).code().code(), "8480-6");
  EXPECT_DOUBLE_EQ(result.patient.observations(0).value(), 152);
  EXPECT_EQ(result.patient.observations(1).code().code(), "8462-4");
  EXPECT_DOUBLE_EQ(result.patient.observations(1).value(), 94);
  EXPECT_TRUE(result.patient.observations(0).has_effective_time());
}

TEST(FhirPatientMapper, ObservationWithoutValueIsReportedNotReadAsNormal) {
  const json spo2 = {{"resourceType", "Observation"},
                     {"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", "59408-5"}}}}}},
                     {"dataAbsentReason", {{"text", "not performed"}}}};
  const MappingResult result = MapHookInput(json::object(), json{{"observations", Bundle({spo2})}});
  EXPECT_EQ(result.patient.observations_size(), 0);
  ASSERT_EQ(result.problems.size(), 1u);
}

TEST(FhirPatientMapper, MadrsTotalInCdsdsCodeSystemIsKeptAndOtherSystemsAreNot) {
  const json madrs = {{"resourceType", "Observation"},
                      {"code", {{"coding", {{{"system", "https://cdsd.dev/fhir/CodeSystem/observation"}, {"code", "madrs-total"}}}}}},
                      {"valueInteger", 14}};
  const json snomed_only = {{"resourceType", "Observation"},
                            {"code", {{"coding", {{{"system", "http://snomed.info/sct"}, {"code", "271649006"}}}}}},
                            {"valueQuantity", {{"value", 120}, {"code", "mm[Hg]"}}}};
  const MappingResult result = MapHookInput(json::object(), json{{"observations", Bundle({madrs, snomed_only})}});
  ASSERT_EQ(result.patient.observations_size(), 1);
  EXPECT_EQ(result.patient.observations(0).code().system(), "https://cdsd.dev/fhir/CodeSystem/observation");
  EXPECT_EQ(result.patient.observations(0).code().code(), "madrs-total");
  EXPECT_EQ(result.patient.observations(0).value(), 14);
  ASSERT_EQ(result.problems.size(), 1u) << "a code LOINC or cdsd does not define is reported";
}

TEST(FhirPatientMapper, PregnancyStatusObservationSetsPregnancyStatus) {
  const json pregnancy = {
      {"resourceType", "Observation"},
      {"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", "82810-3"}}}}}},
      {"valueCodeableConcept", {{"coding", {{{"system", "http://snomed.info/sct"}, {"code", "77386006"}}}}}}};
  const MappingResult result = MapHookInput(json::object(), json{{"observations", Bundle({pregnancy})}});
  EXPECT_EQ(result.patient.pregnancy_status(), cds::v1::PREGNANCY_STATUS_PREGNANT);
}

TEST(FhirPatientMapper, AntidepressantTrialExtensionBecomesATrial) {
  const json statement = {
      {"resourceType", "MedicationStatement"}, {"status", "completed"},
      {"medicationCodeableConcept",
       {{"coding", {{{"system", "http://www.nlm.nih.gov/research/umls/rxnorm"}, {"code", "36437"}}}}}},
      {"effectivePeriod", {{"start", "2026-05-01"}}},
      {"extension",
       {{{"url", kAntidepressantTrialExtension},
         {"extension",
          {{{"url", "adequateDose"}, {"valueBoolean", true}},
           {{"url", "durationWeeks"}, {"valueDecimal", 8}},
           {{"url", "percentImprovement"}, {"valueDecimal", 10}}}}}}}};
  const MappingResult result =
      MapHookInput(json::object(), json{{"antidepressantTrials", Bundle({statement})}});
  ASSERT_EQ(result.patient.antidepressant_trials_size(), 1);
  const auto& trial = result.patient.antidepressant_trials(0);
  EXPECT_EQ(trial.adequate_dose(), cds::v1::ASSESSMENT_YES);
  EXPECT_DOUBLE_EQ(trial.duration_weeks(), 8);
  EXPECT_DOUBLE_EQ(trial.percent_improvement(), 10);
  EXPECT_EQ(trial.start_date(), "2026-05-01");
  EXPECT_EQ(result.patient.retrieval().antidepressant_trials(), cds::v1::RETRIEVAL_RETRIEVED);
}

TEST(FhirPatientMapper, MedicationReferenceIsReportedNotGuessed) {
  const json request = {{"resourceType", "MedicationRequest"}, {"status", "active"},
                        {"medicationReference", {{"reference", "Medication/123"}}}};
  const MappingResult result = MapHookInput(json::object(), json{{"medications", Bundle({request})}});
  EXPECT_EQ(result.patient.medications_size(), 0);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].path, "prefetch.medications.entry[0].resource.medicationReference");
}

TEST(FhirPatientMapper, DailyDoseOnlyWhereTimingGivesDosesPerDay) {
  const json request = {
      {"resourceType", "MedicationRequest"}, {"status", "active"},
      {"medicationCodeableConcept", {{"text", "diazepam 5 mg tablet"}}},
      {"dosageInstruction",
       {{{"doseAndRate", {{{"doseQuantity", {{"value", 5}, {"code", "mg"}}}}}},
         {"timing", {{"repeat", {{"frequency", 2}, {"period", 1}, {"periodUnit", "d"}}}}}}}}};
  const MappingResult result = MapHookInput(json::object(), json{{"medications", Bundle({request})}});
  ASSERT_EQ(result.patient.medications_size(), 1);
  EXPECT_DOUBLE_EQ(result.patient.medications(0).daily_dose().value(), 10);
  EXPECT_EQ(result.patient.medications(0).daily_dose().unit(), "mg/d");
  EXPECT_EQ(result.patient.medications(0).status(), cds::v1::MEDICATION_STATUS_ACTIVE);
}

TEST(FhirPatientMapper, DraftOrdersCarryDoseRouteAndFrequency) {
  const json order = {
      {"resourceType", "MedicationRequest"}, {"id", "order-1"}, {"status", "draft"},
      {"medicationCodeableConcept",
       {{"coding", {{{"system", "http://www.nlm.nih.gov/research/umls/rxnorm"}, {"code", "2107304"}}}}}},
      {"dosageInstruction",
       {{{"route", {{"coding", {{{"system", "http://snomed.info/sct"}, {"code", "46713006"}}}}}},
         {"doseAndRate", {{{"doseQuantity", {{"value", 56}, {"code", "mg"}}}}}},
         {"timing", {{"repeat", {{"frequency", 2}, {"period", 1}, {"periodUnit", "wk"}}}}}}}}};
  const json context = {{"patientId", "p1"}, {"draftOrders", Bundle({order})}, {"selections", {"MedicationRequest/order-1"}}};
  const MappingResult result = MapHookInput(context, nullptr);
  ASSERT_EQ(result.draft_orders.size(), 1u);
  EXPECT_EQ(result.draft_orders[0].id(), "order-1");
  EXPECT_DOUBLE_EQ(result.draft_orders[0].dose().value(), 56);
  EXPECT_EQ(result.draft_orders[0].route().coding(0).code(), "46713006");
  EXPECT_EQ(result.draft_orders[0].frequency(), 2);
  EXPECT_EQ(result.draft_orders[0].period_unit(), "wk");
  ASSERT_EQ(result.selections.size(), 1u);
}

TEST(FhirPatientMapper, MalformedShapesAreReportedNeverThrown) {
  EXPECT_NO_THROW({
    const MappingResult result = MapHookInput(json::array(), json("not an object"));
    EXPECT_GE(result.problems.size(), 2u);
  });
  const json odd = {{"conditions", {{"resourceType", "Bundle"}, {"entry", 5}}}};
  EXPECT_NO_THROW({ MapHookInput(json::object(), odd); });
}

}  // namespace
}  // namespace cdsd::fhir
