// The shared basis recorder and renderer: a criterion's outcome, inputs, missing inputs and
// citations land in the card's fields, and the markdown shows exactly those fields.
#include <cds/sdk/basis.h>
#include <gtest/gtest.h>

namespace cds::sdk {
namespace {

TEST(SdkBasis, RecorderFillsTheCardFields) {
  cds::v1::Card card;
  CriterionRecorder r(card, "contraindication.aneurysm", "Aneurysmal vascular disease",
                      "contraindication");
  r.Cite("US-PI").CiteAll(std::vector<std::string>{"US-PI", "EU-SMPC"});
  r.Input("Condition", "I71.4 (ICD-10-CM)", "patient.conditions[0]");
  r.Missing("patient.observations[http://loinc.org|8480-6]", "Systolic blood pressure",
            "blood-pressure criteria cannot be decided");
  r.Missing("patient.observations[http://loinc.org|8480-6]", "Systolic blood pressure", "again");
  r.Conclude(cds::v1::CRITERION_OUTCOME_MET, "Coded aneurysm.");

  ASSERT_EQ(card.criteria_size(), 1);
  const cds::v1::Criterion& c = card.criteria(0);
  EXPECT_EQ(c.id(), "contraindication.aneurysm");
  EXPECT_EQ(c.role(), "contraindication");
  EXPECT_EQ(c.outcome(), cds::v1::CRITERION_OUTCOME_MET);
  EXPECT_EQ(c.explanation(), "Coded aneurysm.");
  ASSERT_EQ(c.citation_ids_size(), 2) << "a citation id is recorded once";
  EXPECT_EQ(c.citation_ids(1), "EU-SMPC");
  ASSERT_EQ(c.inputs_size(), 1);
  EXPECT_EQ(c.inputs(0).path(), "patient.conditions[0]");
  ASSERT_EQ(card.missing_inputs_size(), 1) << "a missing input is recorded once per path";
  EXPECT_EQ(card.missing_inputs(0).impact(), "blood-pressure criteria cannot be decided");
}

TEST(SdkBasis, ACriterionNotConcludedStaysUnknown) {
  cds::v1::Card card;
  CriterionRecorder(card, "x", "X", "caution");
  ASSERT_EQ(card.criteria_size(), 1);
  EXPECT_EQ(card.criteria(0).outcome(), cds::v1::CRITERION_OUTCOME_UNKNOWN);
}

TEST(SdkBasis, EveryOutcomeHasAName) {
  EXPECT_STREQ(OutcomeName(cds::v1::CRITERION_OUTCOME_MET), "Met");
  EXPECT_STREQ(OutcomeName(cds::v1::CRITERION_OUTCOME_NOT_MET), "Not met");
  EXPECT_STREQ(OutcomeName(cds::v1::CRITERION_OUTCOME_UNKNOWN), "**Unknown**");
  EXPECT_STREQ(OutcomeName(cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE), "Not applicable");
}

TEST(SdkBasis, RendererShowsMissingInputsCriteriaAndSources) {
  cds::v1::Card card;
  CriterionRecorder a(card, "a", "Age | at least 18", "requirement");
  a.Input("Age", "45 years", "patient.birth_date").Input("Date", "2026-12-04", "evaluation_date");
  a.Cite("US-PI").Conclude(cds::v1::CRITERION_OUTCOME_MET, "45 is at least 18.\nSo met.");
  CriterionRecorder b(card, "b", "Blood pressure", "caution");
  b.Missing("patient.observations", "Blood pressure", "cannot be decided");
  cds::v1::Citation* citation = card.add_citations();
  citation->set_id("US-PI");
  citation->set_title("SPRAVATO label");
  citation->set_edition("revised 1/2025");
  citation->set_url("https://example.org");
  cds::v1::Citation* no_url = card.add_citations();
  no_url->set_id("X1");
  no_url->set_title("Guideline");
  no_url->set_edition("2023");

  EXPECT_EQ(RenderBasis(card),
            "\n#### Missing inputs\n"
            "- `patient.observations` Blood pressure: cannot be decided\n"
            "\n#### All criteria\n"
            "| Criterion | Outcome | Values used | Basis |\n|---|---|---|---|\n"
            "| Age \\| at least 18 | Met | Age: 45 years (`patient.birth_date`); Date: 2026-12-04 "
            "(`evaluation_date`) | 45 is at least 18. So met. [US-PI] |\n"
            "| Blood pressure | **Unknown** | - |  |\n"
            "\n#### Sources\n"
            "- US-PI: SPRAVATO label, revised 1/2025, <https://example.org>\n"
            "- X1: Guideline, 2023\n");
}

TEST(SdkBasis, RendererLeavesOutEmptyAndUnwantedSections) {
  cds::v1::Card card;
  EXPECT_EQ(RenderBasis(card, BasisHeadings{"### Missing", "", "### Sources"}), "");
  CriterionRecorder(card, "a", "A", "information").Missing("p", "P", "q");
  EXPECT_EQ(RenderBasis(card, BasisHeadings{"### Missing", "", ""}), "\n### Missing\n- `p` P: q\n");
}

TEST(SdkBasis, InputRequirementIsDeclared) {
  cds::plugin::v1::PluginInfo info;
  AddInputRequirement(info, "patient.birth_date", "Age on the evaluation date", true);
  AddInputRequirement(info, "patient.medications", "Co-medications", false);
  ASSERT_EQ(info.inputs_size(), 2);
  EXPECT_EQ(info.inputs(0).path(), "patient.birth_date");
  EXPECT_TRUE(info.inputs(0).required());
  EXPECT_FALSE(info.inputs(1).required());
  EXPECT_EQ(info.inputs(1).description(), "Co-medications");
}

}  // namespace
}  // namespace cds::sdk
