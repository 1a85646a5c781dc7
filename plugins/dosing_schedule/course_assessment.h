// One evaluation of a ketamine course: runs the dosing rules against the request and writes the
// card's criteria, missing inputs, citations and typed DosingScheduleDecision (sessions,
// monitoring plan, progress). The card's summary and detail text come from card_text.h.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_COURSE_ASSESSMENT_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_COURSE_ASSESSMENT_H_

#include <cds/plugin/v1/plugin.pb.h>
#include <cds/sdk/clinical.h>

#include <vector>

#include "course_record.h"
#include "criteria.h"
#include "dosing_knowledge.h"
#include "dosing_settings.h"
#include "session_calendar.h"

namespace cds::dosing {

// Everything an evaluation reads that is fixed for the life of a plugin instance.
struct DosingPolicy {
  DosingSettings settings;
  DosingKnowledge knowledge;
  LabelEdition label_edition;
  RuleTexts rule_texts;
  Regimen trd;
  Regimen mdsi;
  Regimen iv;
};

// Builds the policy from validated settings and parsed knowledge. Throws std::runtime_error
// when the knowledge lacks what the settings name (a label edition) or what a card needs.
DosingPolicy MakeDosingPolicy(DosingSettings settings, DosingKnowledge knowledge);

// Fills `card` (all but summary, detail and indicator) and returns the points that need the
// clinician's attention. `in_progress` asks for the course-progress section even before the
// first session (treatment-review).
std::vector<Attention> AssessCourse(const DosingPolicy& policy,
                                    const cds::plugin::v1::EvaluateInput& input,
                                    const CourseRecord& course, sdk::Date evaluation_date,
                                    bool in_progress, cds::v1::Card& card);

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_COURSE_ASSESSMENT_H_
