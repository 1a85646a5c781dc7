// Esketamine dose rules: the labelled start, the 28 mg steps of the EU-type geriatric rule, and
// the proposal that never escalates and steps down after a session that was not tolerated.
#include "esketamine_dose.h"

#include <gtest/gtest.h>

#include "dosing_knowledge.h"

namespace cds::dosing {
namespace {

using Doses = std::vector<double>;

class EsketamineDose : public ::testing::Test {
 protected:
  const DosingKnowledge knowledge = ParseDosingKnowledge(EmbeddedDosingKnowledge());
  const DoseRule& adult = knowledge.trd_adult_dose;
  const DoseRule& geriatric = knowledge.trd_geriatric_dose;
  const DoseRule& mdsi = knowledge.mdsi_dose;
};

TEST_F(EsketamineDose, FirstTrdDoseIsFiftySixAndNeverEightyFour) {
  EXPECT_EQ(LabelledDosesAt(adult, std::nullopt, 0), Doses{56});
  const DoseProposal first = ProposeNextDose(adult, LabelledDosesAt(adult, std::nullopt, 0),
                                             std::nullopt, cds::v1::TOLERABILITY_UNSPECIFIED);
  EXPECT_EQ(first.dose_mg, 56);
  EXPECT_EQ(first.basis, ProposalBasis::kStartDose);
}

TEST_F(EsketamineDose, LaterTrdSessionsAllowFiftySixOrEightyFour) {
  EXPECT_EQ(LabelledDosesAt(adult, std::nullopt, 1), (Doses{56, 84}));
  EXPECT_EQ(LabelledDosesAt(adult, 56.0, 0), (Doses{56, 84}));
  EXPECT_EQ(LabelledDosesAt(adult, 84.0, 5), (Doses{56, 84}));
}

TEST_F(EsketamineDose, EuGeriatricRuleStartsAtTwentyEightAndRisesOneStepPerSession) {
  EXPECT_EQ(LabelledDosesAt(geriatric, std::nullopt, 0), Doses{28});
  EXPECT_EQ(LabelledDosesAt(geriatric, std::nullopt, 1), (Doses{28, 56}));
  EXPECT_EQ(LabelledDosesAt(geriatric, std::nullopt, 2), (Doses{28, 56, 84}));
  EXPECT_EQ(LabelledDosesAt(geriatric, 28.0, 0), (Doses{28, 56}));
  EXPECT_EQ(LabelledDosesAt(geriatric, 56.0, 0), (Doses{28, 56, 84}));
}

TEST_F(EsketamineDose, MdsiStartsAtEightyFourThenAllowsFiftySix) {
  EXPECT_EQ(LabelledDosesAt(mdsi, std::nullopt, 0), Doses{84});
  EXPECT_EQ(LabelledDosesAt(mdsi, 84.0, 0), (Doses{56, 84}));
}

TEST_F(EsketamineDose, ProposalKeepsTheLastDoseAndLeavesEscalationToThePrescriber) {
  const DoseProposal p = ProposeNextDose(adult, LabelledDosesAt(adult, 56.0, 0), 56.0,
                                         cds::v1::TOLERABILITY_WELL_TOLERATED);
  EXPECT_EQ(p.dose_mg, 56);
  EXPECT_EQ(p.basis, ProposalBasis::kKeepLastDose);
  EXPECT_EQ(p.options_mg, (Doses{56, 84}));
}

TEST_F(EsketamineDose, NotToleratedAtEightyFourStepsDownToFiftySixAndOffersNoEscalation) {
  const DoseProposal p = ProposeNextDose(adult, LabelledDosesAt(adult, 84.0, 0), 84.0,
                                         cds::v1::TOLERABILITY_NOT_TOLERATED);
  EXPECT_EQ(p.dose_mg, 56);
  EXPECT_EQ(p.basis, ProposalBasis::kStepDown);
  EXPECT_EQ(p.options_mg, (Doses{56, 84}));
}

TEST_F(EsketamineDose, NotToleratedAtFiftySixNeverOffersEightyFour) {
  const DoseProposal p = ProposeNextDose(adult, LabelledDosesAt(adult, 56.0, 0), 56.0,
                                         cds::v1::TOLERABILITY_NOT_TOLERATED);
  EXPECT_EQ(p.dose_mg, 56);
  EXPECT_EQ(p.basis, ProposalBasis::kLowestDoseNotTolerated);
  EXPECT_EQ(p.options_mg, Doses{56});
}

TEST_F(EsketamineDose, UnrecordedTolerabilityRemovesEscalationFromTheOptions) {
  const DoseProposal p = ProposeNextDose(geriatric, LabelledDosesAt(geriatric, 28.0, 0), 28.0,
                                         cds::v1::TOLERABILITY_UNSPECIFIED);
  EXPECT_EQ(p.dose_mg, 28);
  EXPECT_EQ(p.options_mg, Doses{28});
}

TEST_F(EsketamineDose, MdsiNotToleratedAtEightyFourReducesToFiftySix) {
  const DoseProposal p = ProposeNextDose(mdsi, LabelledDosesAt(mdsi, 84.0, 0), 84.0,
                                         cds::v1::TOLERABILITY_NOT_TOLERATED);
  EXPECT_EQ(p.dose_mg, 56);
  EXPECT_EQ(p.basis, ProposalBasis::kStepDown);
}

TEST_F(EsketamineDose, LastDoseBelowEveryLabelledDoseGetsNoProposal) {
  const DoseProposal p = ProposeNextDose(adult, LabelledDosesAt(adult, 28.0, 0), 28.0,
                                         cds::v1::TOLERABILITY_WELL_TOLERATED);
  EXPECT_EQ(p.dose_mg, 0);
  EXPECT_EQ(p.basis, ProposalBasis::kNoLabelledDoseAtOrBelowLast);
}

TEST_F(EsketamineDose, UnlabelledLastDoseIsReplacedByTheLabelledDoseBelowIt) {
  const DoseProposal p = ProposeNextDose(adult, LabelledDosesAt(adult, 70.0, 0), 70.0,
                                         cds::v1::TOLERABILITY_WELL_TOLERATED);
  EXPECT_EQ(p.dose_mg, 56);
}

TEST_F(EsketamineDose, DeviceCountIsTheDoseInTwentyEightMilligramDevices) {
  EXPECT_EQ(DeviceCount(28, 28), 1);
  EXPECT_EQ(DeviceCount(56, 28), 2);
  EXPECT_EQ(DeviceCount(84, 28), 3);
  EXPECT_EQ(DeviceCount(70, 28), 0);
  EXPECT_EQ(DeviceCount(0, 28), 0);
}

}  // namespace
}  // namespace cds::dosing
