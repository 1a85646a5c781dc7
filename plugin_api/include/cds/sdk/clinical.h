// cds/sdk/clinical.h: the small clinical primitives every plugin needs and should not re-derive:
// calendar dates and ages, code matching across code systems, the latest observation of a LOINC
// code, and helpers that record a card's basis (inputs, missing inputs, citations).
#ifndef CDS_SDK_CLINICAL_H_
#define CDS_SDK_CLINICAL_H_

#include <cds/plugin/v1/plugin.pb.h>
#include <cds/sdk/calendar.h>

#include <charconv>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace cds::sdk {

namespace systems {
inline constexpr std::string_view kIcd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr std::string_view kSnomedCt = "http://snomed.info/sct";
inline constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr std::string_view kLoinc = "http://loinc.org";
// Codes cdsd defines where no standard code fits (documented in docs/api.md).
inline constexpr std::string_view kCdsObservation = "https://cdsd.dev/fhir/CodeSystem/observation";
inline constexpr std::string_view kCdsSymptom = "https://cdsd.dev/fhir/CodeSystem/symptom";
}  // namespace systems

namespace loinc {
inline constexpr std::string_view kSystolicBp = "8480-6";
inline constexpr std::string_view kDiastolicBp = "8462-4";
inline constexpr std::string_view kHeartRate = "8867-4";
inline constexpr std::string_view kSpo2 = "59408-5";
inline constexpr std::string_view kRespiratoryRate = "9279-1";
inline constexpr std::string_view kBodyWeight = "29463-7";
inline constexpr std::string_view kBodyHeight = "8302-2";
inline constexpr std::string_view kPhq9Total = "44261-6";
inline constexpr std::string_view kAlt = "1742-6";
inline constexpr std::string_view kAst = "1920-8";
inline constexpr std::string_view kBilirubinTotal = "1975-2";
}  // namespace loinc

// MADRS total has no LOINC code in common use; cdsd defines one (docs/api.md).
inline constexpr std::string_view kMadrsTotalCode = "madrs-total";

// The evaluation date the host put in the input (always set by cdsd).
inline std::optional<Date> EvaluationDate(const cds::plugin::v1::EvaluateInput& input) {
  return ParseDate(input.evaluation_date());
}

// True when any coding has `system` and a code equal to `code`, or starting with it when
// `code` ends in '*' ("I71*" matches "I71.4"). Codes compare exactly otherwise.
inline bool CodeMatches(const cds::v1::Coding& coding, std::string_view system,
                        std::string_view code) {
  if (coding.system() != system) return false;
  if (!code.empty() && code.back() == '*') {
    code.remove_suffix(1);
    return std::string_view(coding.code()).substr(0, code.size()) == code;
  }
  return coding.code() == code;
}

inline const cds::v1::Coding* FindCoding(const cds::v1::CodeableConcept& codeable_concept,
                                          std::string_view system, std::string_view code) {
  for (const cds::v1::Coding& c : codeable_concept.coding()) {
    if (CodeMatches(c, system, code)) return &c;
  }
  return nullptr;
}

// Conditions and allergies recorded in error or refuted do not count.
inline bool Counts(cds::v1::VerificationStatus status) {
  return status != cds::v1::VERIFICATION_STATUS_REFUTED &&
         status != cds::v1::VERIFICATION_STATUS_ENTERED_IN_ERROR;
}

// "I71.4 (ICD-10-CM)" style rendering for InputValue.value.
inline std::string Describe(const cds::v1::Coding& coding) {
  std::string system = coding.system();
  if (system == systems::kIcd10Cm) system = "ICD-10-CM";
  else if (system == systems::kSnomedCt) system = "SNOMED CT";
  else if (system == systems::kRxNorm) system = "RxNorm";
  else if (system == systems::kLoinc) system = "LOINC";
  std::string out = coding.code() + " (" + system + ")";
  if (!coding.display().empty()) out += " " + coding.display();
  return out;
}

struct FoundObservation {
  const cds::v1::Observation* observation = nullptr;
  // Path inside the request, e.g. "patient.observations[3]" or "patient.weight".
  std::string path;
};

// The most recent observation with a value for a LOINC code (or another system's code),
// looking at patient.observations and, for weight and height, the dedicated fields too.
// Observations without an effective_time rank below dated ones.
inline std::optional<FoundObservation> LatestObservation(const cds::v1::PatientContext& patient,
                                                         std::string_view code,
                                                         std::string_view system = systems::kLoinc) {
  std::optional<FoundObservation> best;
  auto consider = [&](const cds::v1::Observation& o, std::string path) {
    if (!o.has_value()) return;
    if (best) {
      const auto& a = o.effective_time();
      const auto& b = best->observation->effective_time();
      if (std::make_pair(a.seconds(), a.nanos()) <= std::make_pair(b.seconds(), b.nanos())) return;
    }
    best = FoundObservation{&o, std::move(path)};
  };
  if (system == systems::kLoinc && code == loinc::kBodyWeight && patient.has_weight()) {
    consider(patient.weight(), "patient.weight");
  }
  if (system == systems::kLoinc && code == loinc::kBodyHeight && patient.has_height()) {
    consider(patient.height(), "patient.height");
  }
  for (int i = 0; i < patient.observations_size(); ++i) {
    const cds::v1::Observation& o = patient.observations(i);
    if (CodeMatches(o.code(), system, code)) {
      consider(o, "patient.observations[" + std::to_string(i) + "]");
    }
  }
  return best;
}

// Formats a number without trailing zeros: 140 -> "140", 0.5 -> "0.5".
// Whole numbers in full, others to 4 significant digits. std::to_chars: locale-free, and several
// times faster than snprintf, which showed in the per-request profiles of the plugins.
inline std::string FormatNumber(double value) {
  char buffer[32];
  std::to_chars_result r;
  if (std::fabs(value) < 1e12 && value == std::floor(value)) {
    r = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
  } else {
    r = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 4);
  }
  return std::string(buffer, r.ptr);
}

inline cds::v1::InputValue* AddInput(cds::v1::Criterion& criterion, std::string name,
                                     std::string value, std::string path) {
  cds::v1::InputValue* input = criterion.add_inputs();
  input->set_name(std::move(name));
  input->set_value(std::move(value));
  input->set_path(std::move(path));
  return input;
}

// Adds a missing input once per path.
inline void AddMissingInput(cds::v1::Card& card, std::string path, std::string name,
                            std::string impact) {
  for (const cds::v1::MissingInput& m : card.missing_inputs()) {
    if (m.path() == path) return;
  }
  cds::v1::MissingInput* m = card.add_missing_inputs();
  m->set_path(std::move(path));
  m->set_name(std::move(name));
  m->set_impact(std::move(impact));
}

// Adds a citation once per id.
inline void AddCitation(cds::v1::Card& card, const cds::v1::Citation& citation) {
  for (const cds::v1::Citation& c : card.citations()) {
    if (c.id() == citation.id()) return;
  }
  *card.add_citations() = citation;
}

}  // namespace cds::sdk

#endif  // CDS_SDK_CLINICAL_H_
