// The ketamine course a request describes, read and checked once per request: the product,
// the indication, the sessions already given in date order, and the day course week 1 begins:
// the first session given, never a planned start date that no session followed.
#ifndef CDS_PLUGINS_DOSING_SCHEDULE_COURSE_RECORD_H_
#define CDS_PLUGINS_DOSING_SCHEDULE_COURSE_RECORD_H_

#include <cds/sdk/clinical.h>

#include <optional>
#include <vector>

namespace cds::dosing {

struct GivenSession {
  sdk::Date date;
  // 0 when the request does not record the dose.
  double dose_mg = 0;
  cds::v1::Tolerability tolerability = cds::v1::TOLERABILITY_UNSPECIFIED;
  // Index in patient.treatment_course.sessions, for the input paths a card shows.
  int request_index = 0;
};

enum class CourseStartSource {
  // The first session given.
  kFirstSession,
  // No session yet: the planned start date, today or later.
  kStartDate,
  // No session yet and the planned start date has passed: the evaluation date.
  kStartDatePassed,
  // No session and no start date: the evaluation date.
  kEvaluationDate,
};

struct CourseRecord {
  cds::v1::KetamineProduct product = cds::v1::KETAMINE_PRODUCT_UNSPECIFIED;
  cds::v1::KetamineIndication indication = cds::v1::KETAMINE_INDICATION_UNSPECIFIED;
  // First day of course week 1: the first session given, else the day the first may be given.
  sdk::Date start;
  CourseStartSource start_source = CourseStartSource::kEvaluationDate;
  // treatment_course.start_date, when sent.
  std::optional<sdk::Date> planned_start;
  // Sorted by date (stable, so same-day entries keep their request order).
  std::vector<GivenSession> given;
};

// Reads patient.treatment_course. Throws sdk::InvalidRequest (naming the field, never its value)
// when a date is not "YYYY-MM-DD", a dose is negative or not a number, or a session is dated
// after the evaluation date. A first session before the planned start date starts the course.
CourseRecord ReadCourseRecord(const cds::v1::PatientContext& patient, sdk::Date evaluation_date);

// 1-based week of the course that holds `day`; 0 or less before the course starts.
int CourseWeek(sdk::Date start, sdk::Date day);

}  // namespace cds::dosing

#endif  // CDS_PLUGINS_DOSING_SCHEDULE_COURSE_RECORD_H_
