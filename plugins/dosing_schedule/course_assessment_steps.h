// The steps of one course assessment (see course_assessment.h), shared by the files that
// implement them: course and calendar rules (course_assessment.cc), esketamine doses
// (esketamine_assessment.cc), the IV dose (infusion_assessment.cc) and the course's outcome
// (outcome_assessment.cc). Private to the plugin.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_COURSE_ASSESSMENT_STEPS_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_COURSE_ASSESSMENT_STEPS_H_

#include <cds/plugin/v1/plugin.pb.h>
#include <cds/sdk/clinical.h>

#include <optional>
#include <string>
#include <vector>

#include "course_assessment.h"
#include "course_record.h"
#include "criteria.h"
#include "esketamine_dose.h"
#include "session_calendar.h"
#include "treatment_response.h"

namespace cds::dosing {

inline constexpr cds::v1::CriterionOutcome kMet = cds::v1::CRITERION_OUTCOME_MET;
inline constexpr cds::v1::CriterionOutcome kNotMet = cds::v1::CRITERION_OUTCOME_NOT_MET;
inline constexpr cds::v1::CriterionOutcome kUnknown = cds::v1::CRITERION_OUTCOME_UNKNOWN;
inline constexpr cds::v1::CriterionOutcome kNotApplicable =
    cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE;

inline std::string SessionPath(const GivenSession& s) {
  return "patient.treatment_course.sessions[" + std::to_string(s.request_index) + "]";
}

// One request's assessment: reads the request once and writes the card's basis and decision.
class CourseAssessment {
 public:
  CourseAssessment(const DosingPolicy& policy, const cds::plugin::v1::EvaluateInput& input,
                   const CourseRecord& course, sdk::Date today, bool in_progress,
                   cds::v1::Card& card)
      : policy_(policy),
        settings_(policy.settings),
        knowledge_(policy.knowledge),
        patient_(input.patient()),
        course_(course),
        today_(today),
        in_progress_(in_progress || !course.given.empty()),
        input_(input),
        card_(card),
        decision_(*card.mutable_dosing_schedule()),
        basis_(card, policy.rule_texts, policy.knowledge),
        current_week_(CourseWeek(course.start, today)) {}

  std::vector<Attention> Run() {
    Assess();
    basis_.WriteCitations();
    return basis_.attention();
  }

 private:
  void Assess();
  bool IsEsketamine() const {
    return course_.product == cds::v1::KETAMINE_PRODUCT_ESKETAMINE_NASAL_SPRAY;
  }
  bool IsIv() const { return course_.product == cds::v1::KETAMINE_PRODUCT_IV_RACEMIC_KETAMINE; }
  bool IsTrd() const {
    return IsEsketamine() && course_.indication == cds::v1::KETAMINE_INDICATION_TRD;
  }
  // Index of the regimen stage the next session belongs to; -1 when the regimen is complete.
  int NextStage() const { return regimen_.StageOfSession(static_cast<int>(course_.given.size())); }
  std::vector<sdk::Date> GivenDates() const;

  bool AssessProduct();
  void AssessCourseStart();
  void AssessLabelEdition();
  bool AssessIndication();
  const Regimen& CourseRegimen() const;
  void AddGivenSessions(bool with_phases);
  std::vector<PlannedSession> Plan() const;
  cds::v1::ScheduledSession& AddPlannedSession(const PlannedSession& planned);

  void AssessTrdPhase();
  void AssessCourseLength(Rule rule, const std::string& too_long_summary);
  void AssessSpacing(const std::vector<PlannedSession>& planned);
  void AssessFrequency();
  void AssessMissedSessions();
  // Sets the interval of the open maintenance stage to the patient's frequency.
  void AssessMaintenanceFrequency();

  // Esketamine doses. `rule` is nullptr when the dose rule cannot be chosen (age unknown under
  // the EU-type label).
  const DoseRule* AssessGeriatric();
  void AssessFirstTrdDose(const DoseRule* rule, const std::vector<PlannedSession>& planned);
  void AssessDoseHistory(Rule rule_id, const DoseRule* rule, bool check_first_dose);
  void AssignEsketamineDoses(const DoseRule* rule, const std::vector<PlannedSession>& planned);
  void AssessTolerability();
  void AssessEndOfInduction();
  void AssessEuMaintenance();
  // MDSI dose rule, or nullptr when the label edition gives no MDSI dose for this age.
  const DoseRule* AssessMdsiAge();
  // Child-Pugh class, asked for only when liver disease is coded. Sets child_pugh_b_/_c_.
  void AssessChildPugh();

  void AssessIvDoses(const std::vector<PlannedSession>& planned);
  void AssessIvReview();
  void AssessDraftOrders();
  // The draft order for a ketamine product (the one selected when several are), or nullptr;
  // `index` receives its position in draft_orders.
  const cds::v1::DraftOrder* KetamineDraftOrder(int& index) const;

  void ReadOutcomes();
  void AssessResponse();
  void FillProgress();
  void FillMonitoring();
  void FillIvMonitoring();

  const DosingPolicy& policy_;
  const DosingSettings& settings_;
  const DosingKnowledge& knowledge_;
  const cds::v1::PatientContext& patient_;
  const CourseRecord& course_;
  const sdk::Date today_;
  const bool in_progress_;
  const cds::plugin::v1::EvaluateInput& input_;
  cds::v1::Card& card_;
  cds::v1::DosingScheduleDecision& decision_;
  CardBasis basis_;
  // Calendar week since the first session (or the day the first may be given).
  const int current_week_;
  // The course's regimen, with the patient's maintenance frequency.
  Regimen regimen_;
  std::vector<PlannedSession> planned_;

  std::optional<DoseProposal> proposal_;
  ScoreHistory madrs_;
  ScoreHistory phq9_;
  MadrsOutcome madrs_outcome_;
  bool outcomes_read_ = false;
  bool child_pugh_b_ = false;
  bool child_pugh_c_ = false;
};

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_COURSE_ASSESSMENT_STEPS_H_
