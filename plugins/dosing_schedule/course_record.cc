#include "course_record.h"

#include <cds/sdk/plugin.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace cds::dosing {

int CourseWeek(sdk::Date start, sdk::Date day) {
  const int days = static_cast<int>((day - start).count());
  // Floor division, so the days before the start fall in week 0 and below.
  return (days >= 0 ? days / 7 : (days - 6) / 7) + 1;
}

CourseRecord ReadCourseRecord(const cds::v1::PatientContext& patient, sdk::Date evaluation_date) {
  CourseRecord record;
  const cds::v1::TreatmentCourse& course = patient.treatment_course();
  record.product = course.product();
  record.indication = course.indication();

  for (int i = 0; i < course.sessions_size(); ++i) {
    const cds::v1::TreatmentSession& s = course.sessions(i);
    const std::string field = "patient.treatment_course.sessions[" + std::to_string(i) + "]";
    const std::optional<sdk::Date> date = sdk::ParseDate(s.date());
    if (!date) throw sdk::InvalidRequest(field + ".date is not a YYYY-MM-DD date");
    if (*date > evaluation_date) {
      throw sdk::InvalidRequest(field + ".date is after evaluation_date (sessions are given ones)");
    }
    if (!std::isfinite(s.dose_mg()) || s.dose_mg() < 0) {
      throw sdk::InvalidRequest(field + ".dose_mg is not a dose in mg");
    }
    record.given.push_back(GivenSession{*date, s.dose_mg(), s.tolerability(), i});
  }
  std::stable_sort(record.given.begin(), record.given.end(),
                   [](const GivenSession& a, const GivenSession& b) { return a.date < b.date; });

  if (!course.start_date().empty()) {
    record.planned_start = sdk::ParseDate(course.start_date());
    if (!record.planned_start) {
      throw sdk::InvalidRequest("patient.treatment_course.start_date is not a YYYY-MM-DD date");
    }
  }
  if (!record.given.empty()) {
    record.start = record.given.front().date;
    record.start_source = CourseStartSource::kFirstSession;
  } else if (record.planned_start && *record.planned_start >= evaluation_date) {
    record.start = *record.planned_start;
    record.start_source = CourseStartSource::kStartDate;
  } else {
    record.start = evaluation_date;
    record.start_source = record.planned_start ? CourseStartSource::kStartDatePassed
                                               : CourseStartSource::kEvaluationDate;
  }
  return record;
}

}  // namespace cds::dosing
