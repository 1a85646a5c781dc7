// FHIR R4 (CDS Hooks context + prefetch) to PatientContext. Each resource type has one small
// mapping function; a resource that lacks what its rules need is dropped and reported.
#include "fhir/fhir_patient_mapper.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace cdsd::fhir {
namespace {

using nlohmann::json;

constexpr char kLoinc[] = "http://loinc.org";
constexpr char kSnomed[] = "http://snomed.info/sct";
// cdsd's own observation codes, for scores LOINC has no code for (MADRS total): docs/api.md.
constexpr char kCdsdObservation[] = "https://cdsd.dev/fhir/CodeSystem/observation";

const json* Member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::string StringMember(const json& object, const char* name) {
  const json* value = Member(object, name);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

std::optional<double> NumberMember(const json& object, const char* name) {
  const json* value = Member(object, name);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return value->get<double>();
}

class Mapper {
 public:
  explicit Mapper(MappingResult& result) : result_(result) {}

  void Problem(const std::string& path, const std::string& reason) {
    result_.problems.push_back({path, reason});
  }

  // FHIR date or dateTime to "YYYY-MM-DD"; empty when it has no full date.
  static std::string DatePart(const std::string& text) {
    if (text.size() < 10) return {};
    for (size_t i = 0; i < 10; ++i) {
      const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
      if ((i == 4 || i == 7) ? text[i] != '-' : !digit) return {};
    }
    return text.substr(0, 10);
  }

  // FHIR instant or dateTime to a Timestamp. A date alone becomes its first instant (UTC): the
  // oldest moment it can mean, so a recency rule never reads it as more recent than it was.
  static std::optional<google::protobuf::Timestamp> Instant(const std::string& text) {
    google::protobuf::Timestamp t;
    if (text.size() > 10 && google::protobuf::util::TimeUtil::FromString(text, &t)) return t;
    const std::string date = DatePart(text);
    if (!date.empty() && text.size() == 10 &&
        google::protobuf::util::TimeUtil::FromString(date + "T00:00:00Z", &t)) {
      return t;
    }
    return std::nullopt;
  }

  static cds::v1::CodeableConcept Concept(const json& fhir) {
    cds::v1::CodeableConcept cc;
    if (const json* codings = Member(fhir, "coding"); codings != nullptr && codings->is_array()) {
      for (const json& c : *codings) {
        const std::string code = StringMember(c, "code");
        if (code.empty()) continue;
        auto* coding = cc.add_coding();
        coding->set_system(StringMember(c, "system"));
        coding->set_code(code);
        coding->set_display(StringMember(c, "display"));
      }
    }
    cc.set_text(StringMember(fhir, "text"));
    return cc;
  }

  static bool HasContent(const cds::v1::CodeableConcept& c) {
    return c.coding_size() > 0 || !c.text().empty();
  }

  // The first code of a CodeableConcept member (clinicalStatus, verificationStatus).
  static std::string StatusCode(const json& resource, const char* name) {
    const json* cc = Member(resource, name);
    if (cc == nullptr) return {};
    if (const json* codings = Member(*cc, "coding"); codings != nullptr && codings->is_array()) {
      for (const json& c : *codings) {
        std::string code = StringMember(c, "code");
        if (!code.empty()) return code;
      }
    }
    return {};
  }

  static cds::v1::VerificationStatus Verification(const std::string& code) {
    static const std::map<std::string, cds::v1::VerificationStatus> kMap = {
        {"confirmed", cds::v1::VERIFICATION_STATUS_CONFIRMED},
        {"provisional", cds::v1::VERIFICATION_STATUS_PROVISIONAL},
        {"differential", cds::v1::VERIFICATION_STATUS_DIFFERENTIAL},
        {"unconfirmed", cds::v1::VERIFICATION_STATUS_UNCONFIRMED},
        {"presumed", cds::v1::VERIFICATION_STATUS_UNCONFIRMED},
        {"refuted", cds::v1::VERIFICATION_STATUS_REFUTED},
        {"entered-in-error", cds::v1::VERIFICATION_STATUS_ENTERED_IN_ERROR}};
    auto it = kMap.find(code);
    return it == kMap.end() ? cds::v1::VERIFICATION_STATUS_UNSPECIFIED : it->second;
  }

  void MapPatient(const json& r, const std::string& path) {
    auto& p = result_.patient;
    if (std::string id = StringMember(r, "id"); !id.empty()) p.set_patient_id(id);
    const std::string birth = StringMember(r, "birthDate");
    if (!birth.empty()) {
      if (std::string date = DatePart(birth); !date.empty()) {
        p.set_birth_date(date);
      } else {
        Problem(path + ".birthDate", "birth date has no full date (year-month-day): age unknown");
      }
    }
    static const std::map<std::string, cds::v1::AdministrativeSex> kSex = {
        {"female", cds::v1::ADMINISTRATIVE_SEX_FEMALE}, {"male", cds::v1::ADMINISTRATIVE_SEX_MALE},
        {"other", cds::v1::ADMINISTRATIVE_SEX_OTHER}, {"unknown", cds::v1::ADMINISTRATIVE_SEX_UNKNOWN}};
    if (auto it = kSex.find(StringMember(r, "gender")); it != kSex.end()) p.set_sex(it->second);
  }

  void MapCondition(const json& r, const std::string& path) {
    const json* code = Member(r, "code");
    cds::v1::CodeableConcept cc = code != nullptr ? Concept(*code) : cds::v1::CodeableConcept();
    if (!HasContent(cc)) {
      Problem(path + ".code", "Condition without a code: not used");
      return;
    }
    auto* c = result_.patient.add_conditions();
    *c->mutable_code() = std::move(cc);
    static const std::map<std::string, cds::v1::ConditionClinicalStatus> kStatus = {
        {"active", cds::v1::CONDITION_CLINICAL_STATUS_ACTIVE},
        {"recurrence", cds::v1::CONDITION_CLINICAL_STATUS_RECURRENCE},
        {"relapse", cds::v1::CONDITION_CLINICAL_STATUS_RELAPSE},
        {"inactive", cds::v1::CONDITION_CLINICAL_STATUS_INACTIVE},
        {"remission", cds::v1::CONDITION_CLINICAL_STATUS_REMISSION},
        {"resolved", cds::v1::CONDITION_CLINICAL_STATUS_RESOLVED}};
    if (auto it = kStatus.find(StatusCode(r, "clinicalStatus")); it != kStatus.end()) {
      c->set_clinical_status(it->second);
    }
    c->set_verification_status(Verification(StatusCode(r, "verificationStatus")));
    std::string onset = StringMember(r, "onsetDateTime");
    if (onset.empty()) {
      if (const json* period = Member(r, "onsetPeriod")) onset = StringMember(*period, "start");
    }
    c->set_onset_date(DatePart(onset));
    std::string abatement = StringMember(r, "abatementDateTime");
    if (abatement.empty()) {
      if (const json* period = Member(r, "abatementPeriod")) abatement = StringMember(*period, "end");
    }
    c->set_abatement_date(DatePart(abatement));
  }

  void MapAllergy(const json& r, const std::string& path) {
    const json* code = Member(r, "code");
    cds::v1::CodeableConcept cc = code != nullptr ? Concept(*code) : cds::v1::CodeableConcept();
    if (!HasContent(cc)) {
      Problem(path + ".code", "AllergyIntolerance without a substance: not used");
      return;
    }
    auto* a = result_.patient.add_allergies();
    *a->mutable_substance() = std::move(cc);
    static const std::map<std::string, cds::v1::AllergyClinicalStatus> kStatus = {
        {"active", cds::v1::ALLERGY_CLINICAL_STATUS_ACTIVE},
        {"inactive", cds::v1::ALLERGY_CLINICAL_STATUS_INACTIVE},
        {"resolved", cds::v1::ALLERGY_CLINICAL_STATUS_RESOLVED}};
    if (auto it = kStatus.find(StatusCode(r, "clinicalStatus")); it != kStatus.end()) {
      a->set_clinical_status(it->second);
    }
    a->set_verification_status(Verification(StatusCode(r, "verificationStatus")));
    std::string reactions;
    if (const json* list = Member(r, "reaction"); list != nullptr && list->is_array()) {
      for (const json& reaction : *list) {
        const json* manifestations = Member(reaction, "manifestation");
        if (manifestations == nullptr || !manifestations->is_array()) continue;
        for (const json& m : *manifestations) {
          cds::v1::CodeableConcept mc = Concept(m);
          std::string words = !mc.text().empty() ? mc.text()
                              : mc.coding_size() > 0 ? mc.coding(0).display() : std::string();
          if (words.empty()) continue;
          if (!reactions.empty()) reactions += "; ";
          reactions += words;
        }
      }
    }
    a->set_reaction(reactions);
  }

  static cds::v1::MedicationStatus MedicationStatusOf(const std::string& status) {
    static const std::map<std::string, cds::v1::MedicationStatus> kStatus = {
        {"active", cds::v1::MEDICATION_STATUS_ACTIVE},
        {"on-hold", cds::v1::MEDICATION_STATUS_ON_HOLD},
        {"stopped", cds::v1::MEDICATION_STATUS_STOPPED},
        {"cancelled", cds::v1::MEDICATION_STATUS_STOPPED},
        {"completed", cds::v1::MEDICATION_STATUS_COMPLETED},
        {"intended", cds::v1::MEDICATION_STATUS_INTENDED},
        {"draft", cds::v1::MEDICATION_STATUS_INTENDED}};
    auto it = kStatus.find(status);
    return it == kStatus.end() ? cds::v1::MEDICATION_STATUS_UNSPECIFIED : it->second;
  }

  // medicationCodeableConcept; a medicationReference cannot be resolved from prefetch alone.
  std::optional<cds::v1::CodeableConcept> Medication(const json& r, const std::string& path) {
    if (const json* cc = Member(r, "medicationCodeableConcept")) {
      cds::v1::CodeableConcept c = Concept(*cc);
      if (HasContent(c)) return c;
    }
    if (Member(r, "medicationReference") != nullptr) {
      Problem(path + ".medicationReference",
              "medication given by reference, not as a code: not used (send medicationCodeableConcept)");
    } else {
      Problem(path + ".medicationCodeableConcept", "medication without a code: not used");
    }
    return std::nullopt;
  }

  // One dosage (dosageInstruction[0] or dosage[0]): dose quantity and timing.
  struct Dosage {
    std::optional<double> dose;
    std::string dose_unit;
    std::optional<int> frequency;
    std::optional<double> period;
    std::string period_unit;
    cds::v1::CodeableConcept route;
    std::string text;
  };
  static Dosage FirstDosage(const json& r) {
    Dosage d;
    const json* list = Member(r, "dosageInstruction");
    if (list == nullptr) list = Member(r, "dosage");
    if (list == nullptr || !list->is_array() || list->empty()) return d;
    const json& dosage = (*list)[0];
    d.text = StringMember(dosage, "text");
    if (const json* route = Member(dosage, "route")) d.route = Concept(*route);
    if (const json* rates = Member(dosage, "doseAndRate"); rates != nullptr && rates->is_array() && !rates->empty()) {
      if (const json* q = Member((*rates)[0], "doseQuantity")) {
        d.dose = NumberMember(*q, "value");
        d.dose_unit = StringMember(*q, "code");
        if (d.dose_unit.empty()) d.dose_unit = StringMember(*q, "unit");
      }
    }
    if (const json* timing = Member(dosage, "timing")) {
      if (const json* repeat = Member(*timing, "repeat")) {
        if (auto f = NumberMember(*repeat, "frequency")) d.frequency = static_cast<int>(*f);
        d.period = NumberMember(*repeat, "period");
        d.period_unit = StringMember(*repeat, "periodUnit");
      }
    }
    return d;
  }

  static bool HasTrialExtension(const json& r) {
    const json* extensions = Member(r, "extension");
    if (extensions == nullptr || !extensions->is_array()) return false;
    return std::any_of(extensions->begin(), extensions->end(), [](const json& e) {
      return StringMember(e, "url") == kAntidepressantTrialExtension;
    });
  }

  void MapTrial(const json& r, const cds::v1::CodeableConcept& drug, const std::string& path) {
    auto* trial = result_.patient.add_antidepressant_trials();
    *trial->mutable_drug() = drug;
    for (const json& e : *Member(r, "extension")) {
      if (StringMember(e, "url") != kAntidepressantTrialExtension) continue;
      const json* parts = Member(e, "extension");
      if (parts == nullptr || !parts->is_array()) continue;
      for (const json& part : *parts) {
        const std::string url = StringMember(part, "url");
        if (url == "adequateDose") {
          const json* value = Member(part, "valueBoolean");
          if (value != nullptr && value->is_boolean()) {
            trial->set_adequate_dose(value->get<bool>() ? cds::v1::ASSESSMENT_YES : cds::v1::ASSESSMENT_NO);
          }
        } else if (url == "durationWeeks") {
          if (auto v = NumberMember(part, "valueDecimal")) trial->set_duration_weeks(*v);
        } else if (url == "percentImprovement") {
          if (auto v = NumberMember(part, "valueDecimal")) trial->set_percent_improvement(*v);
        } else {
          Problem(path + ".extension", "unknown part '" + url + "' of the antidepressant-trial extension");
        }
      }
    }
    std::string start;
    if (const json* period = Member(r, "effectivePeriod")) start = StringMember(*period, "start");
    if (start.empty()) start = StringMember(r, "effectiveDateTime");
    trial->set_start_date(DatePart(start));
  }

  void MapMedication(const json& r, const std::string& path) {
    const std::string status = StringMember(r, "status");
    if (status == "entered-in-error" || status == "not-taken") return;
    auto medication = Medication(r, path);
    if (!medication) return;
    if (StringMember(r, "resourceType") == "MedicationStatement" && HasTrialExtension(r)) {
      MapTrial(r, *medication, path);
    }
    auto* m = result_.patient.add_medications();
    *m->mutable_medication() = *medication;
    m->set_name(medication->text().empty() && medication->coding_size() > 0
                    ? medication->coding(0).display() : medication->text());
    m->set_status(MedicationStatusOf(status));
    const Dosage d = FirstDosage(r);
    // A total daily dose only where the timing says how many doses a day.
    if (d.dose && d.frequency && d.period && *d.period > 0 && d.period_unit == "d" && !d.dose_unit.empty()) {
      m->mutable_daily_dose()->set_value(*d.dose * *d.frequency / *d.period);
      m->mutable_daily_dose()->set_unit(d.dose_unit + "/d");
    }
  }

  void AddObservation(const std::string& code, double value, const std::string& unit,
                      const std::optional<google::protobuf::Timestamp>& time, const char* system = kLoinc) {
    auto* o = result_.patient.add_observations();
    o->mutable_code()->set_system(system);
    o->mutable_code()->set_code(code);
    o->set_value(value);
    o->set_unit(unit);
    if (time) *o->mutable_effective_time() = *time;
    auto keep_latest = [&](cds::v1::Observation* slot) {
      if (!slot->has_value() || !slot->has_effective_time() ||
          (o->has_effective_time() && o->effective_time().seconds() > slot->effective_time().seconds())) {
        *slot = *o;
      }
    };
    if (code == "29463-7") keep_latest(result_.patient.mutable_weight());
    if (code == "8302-2") keep_latest(result_.patient.mutable_height());
  }

  static std::string CodeIn(const json& concept_json, const char* system) {
    const cds::v1::CodeableConcept cc = Concept(concept_json);
    for (const auto& c : cc.coding()) {
      if (c.system() == system) return c.code();
    }
    return {};
  }
  static std::string LoincCode(const json& concept_json) { return CodeIn(concept_json, kLoinc); }

  static std::optional<std::pair<double, std::string>> Quantity(const json& holder) {
    if (const json* q = Member(holder, "valueQuantity")) {
      auto value = NumberMember(*q, "value");
      if (!value) return std::nullopt;
      std::string unit = StringMember(*q, "code");
      if (unit.empty()) unit = StringMember(*q, "unit");
      return std::make_pair(*value, unit);
    }
    if (auto v = NumberMember(holder, "valueInteger")) return std::make_pair(*v, std::string("{score}"));
    return std::nullopt;
  }

  void MapObservation(const json& r, const std::string& path) {
    const std::string status = StringMember(r, "status");
    if (status == "cancelled" || status == "entered-in-error") return;
    const json* code = Member(r, "code");
    const std::string loinc = code != nullptr ? LoincCode(*code) : std::string();
    std::string when = StringMember(r, "effectiveDateTime");
    if (when.empty()) when = StringMember(r, "effectiveInstant");
    if (when.empty()) {
      if (const json* period = Member(r, "effectivePeriod")) when = StringMember(*period, "start");
    }
    const auto time = Instant(when);
    if (loinc == "82810-3") {  // Pregnancy status
      MapPregnancy(r, path);
      return;
    }
    if (loinc == "85354-9") {  // Blood pressure panel: systolic and diastolic as components
      const json* components = Member(r, "component");
      bool mapped = false;
      if (components != nullptr && components->is_array()) {
        for (const json& component : *components) {
          const json* ccode = Member(component, "code");
          const std::string part = ccode != nullptr ? LoincCode(*ccode) : std::string();
          auto q = Quantity(component);
          if ((part == "8480-6" || part == "8462-4") && q) {
            AddObservation(part, q->first, q->second, time);
            mapped = true;
          }
        }
      }
      if (!mapped) Problem(path, "blood pressure panel without systolic/diastolic values: not used");
      return;
    }
    // A score LOINC has no code for comes in cdsd's own code system.
    const std::string own = loinc.empty() && code != nullptr ? CodeIn(*code, kCdsdObservation) : std::string();
    if (loinc.empty() && own.empty()) {
      Problem(path + ".code", "Observation without a LOINC code: not used");
      return;
    }
    auto q = Quantity(r);
    if (!q) {
      Problem(path, "Observation " + (loinc.empty() ? own : loinc) + " without a numeric value: not used");
      return;
    }
    if (loinc.empty()) {
      AddObservation(own, q->first, q->second, time, kCdsdObservation);
    } else {
      AddObservation(loinc, q->first, q->second, time);
    }
  }

  void MapPregnancy(const json& r, const std::string& path) {
    const json* value = Member(r, "valueCodeableConcept");
    const cds::v1::CodeableConcept cc = value != nullptr ? Concept(*value) : cds::v1::CodeableConcept();
    static const std::map<std::string, cds::v1::PregnancyStatus> kAnswers = {
        {"77386006", cds::v1::PREGNANCY_STATUS_PREGNANT},
        {"60001007", cds::v1::PREGNANCY_STATUS_NOT_PREGNANT},
        {"261665006", cds::v1::PREGNANCY_STATUS_UNKNOWN},
        {"LA15173-0", cds::v1::PREGNANCY_STATUS_PREGNANT},
        {"LA26683-5", cds::v1::PREGNANCY_STATUS_NOT_PREGNANT},
        {"LA4489-6", cds::v1::PREGNANCY_STATUS_UNKNOWN}};
    for (const auto& c : cc.coding()) {
      if (c.system() != kSnomed && c.system() != kLoinc) continue;
      if (auto it = kAnswers.find(c.code()); it != kAnswers.end()) {
        result_.patient.set_pregnancy_status(it->second);
        return;
      }
    }
    Problem(path + ".valueCodeableConcept", "pregnancy status answer not recognised: not used");
  }

  void MapDraftOrder(const json& r, const std::string& path) {
    cds::v1::DraftOrder order;
    order.set_id(StringMember(r, "id"));
    order.set_resource_type(StringMember(r, "resourceType"));
    order.set_status(StringMember(r, "status"));
    if (order.resource_type() == "MedicationRequest") {
      if (auto medication = Medication(r, path)) *order.mutable_medication() = *medication;
      const Dosage d = FirstDosage(r);
      if (d.dose) {
        order.mutable_dose()->set_value(*d.dose);
        order.mutable_dose()->set_unit(d.dose_unit);
      }
      if (HasContent(d.route)) *order.mutable_route() = d.route;
      if (d.frequency) order.set_frequency(*d.frequency);
      if (d.period) order.set_period(*d.period);
      order.set_period_unit(d.period_unit);
      order.set_dosage_text(d.text);
    } else {
      Problem(path, "draft order of type " + order.resource_type() +
                        " is passed on without its details (only MedicationRequest is read)");
    }
    result_.draft_orders.push_back(std::move(order));
  }

  // One resource from prefetch; returns the list it belongs to ("" for Patient or unknown).
  std::string MapResource(const json& r, const std::string& path) {
    const std::string type = StringMember(r, "resourceType");
    if (type == "Patient") {
      MapPatient(r, path);
      return "patient";
    }
    if (type == "Condition") {
      MapCondition(r, path);
      return "conditions";
    }
    if (type == "AllergyIntolerance") {
      MapAllergy(r, path);
      return "allergies";
    }
    if (type == "MedicationRequest" || type == "MedicationStatement") {
      MapMedication(r, path);
      return "medications";
    }
    if (type == "Observation") {
      MapObservation(r, path);
      return "observations";
    }
    if (type == "OperationOutcome") return {};
    Problem(path, "resource type '" + type + "' is not read by cdsd");
    return {};
  }

  // Every resource of a prefetch value: a resource, or a Bundle of entries.
  void MapPrefetchValue(const json& value, const std::string& path) {
    if (StringMember(value, "resourceType") == "Bundle") {
      const json* entries = Member(value, "entry");
      if (entries == nullptr) return;
      if (!entries->is_array()) {
        Problem(path + ".entry", "Bundle.entry is not an array");
        return;
      }
      for (size_t i = 0; i < entries->size(); ++i) {
        const std::string entry_path = path + ".entry[" + std::to_string(i) + "].resource";
        const json* resource = Member((*entries)[i], "resource");
        if (resource == nullptr || !resource->is_object()) {
          Problem(entry_path, "Bundle entry without a resource");
          continue;
        }
        MapResource(*resource, entry_path);
      }
      return;
    }
    if (!value.is_object()) {
      Problem(path, "prefetch value is neither a FHIR resource nor null");
      return;
    }
    MapResource(value, path);
  }

 private:
  MappingResult& result_;
};

void SetRetrieval(cds::v1::PatientContext& patient, const std::string& key, cds::v1::Retrieval value) {
  auto* r = patient.mutable_retrieval();
  if (key == "conditions") r->set_conditions(value);
  if (key == "allergies") r->set_allergies(value);
  if (key == "medications") r->set_medications(value);
  if (key == "antidepressantTrials") r->set_antidepressant_trials(value);
  if (key == "observations") r->set_observations(value);
}

}  // namespace

const std::vector<PrefetchKey>& StandardPrefetchKeys() {
  static const std::vector<PrefetchKey> keys = {
      {"patient", "Patient/{{context.patientId}}"},
      {"conditions", "Condition?patient={{context.patientId}}"},
      {"allergies", "AllergyIntolerance?patient={{context.patientId}}"},
      {"medications", "MedicationRequest?patient={{context.patientId}}"},
      {"antidepressantTrials",
       "MedicationStatement?patient={{context.patientId}}"
       "&_profile=https://cdsd.dev/fhir/StructureDefinition/antidepressant-trial"},
      {"observations",
       "Observation?patient={{context.patientId}}&category=vital-signs,survey,laboratory,social-history"},
  };
  return keys;
}

MappingResult MapHookInput(const nlohmann::json& context, const nlohmann::json& prefetch) {
  MappingResult result;
  Mapper mapper(result);
  if (!context.is_null() && !context.is_object()) {
    mapper.Problem("context", "context is not a JSON object");
  }
  result.patient.set_patient_id(StringMember(context, "patientId"));
  result.user_id = StringMember(context, "userId");
  result.encounter_id = StringMember(context, "encounterId");
  if (const json* selections = Member(context, "selections"); selections != nullptr && selections->is_array()) {
    for (const json& s : *selections) {
      if (s.is_string()) result.selections.push_back(s.get<std::string>());
    }
  }
  if (const json* orders = Member(context, "draftOrders"); orders != nullptr) {
    const json* entries = Member(*orders, "entry");
    if (entries != nullptr && entries->is_array()) {
      for (size_t i = 0; i < entries->size(); ++i) {
        const json* resource = Member((*entries)[i], "resource");
        if (resource != nullptr && resource->is_object()) {
          mapper.MapDraftOrder(*resource, "context.draftOrders.entry[" + std::to_string(i) + "].resource");
        }
      }
    } else if (!orders->is_null()) {
      mapper.Problem("context.draftOrders", "draftOrders is not a FHIR Bundle with entries");
    }
  }

  // Every list starts "not retrieved"; a standard key that is present (null or a Bundle)
  // marks its list retrieved, whatever it holds.
  for (const auto& key : StandardPrefetchKeys()) {
    SetRetrieval(result.patient, key.key, cds::v1::RETRIEVAL_NOT_RETRIEVED);
  }
  if (prefetch.is_null()) return result;
  if (!prefetch.is_object()) {
    mapper.Problem("prefetch", "prefetch is not a JSON object");
    return result;
  }
  for (auto it = prefetch.begin(); it != prefetch.end(); ++it) {
    const std::string path = "prefetch." + it.key();
    // CDS Hooks 2.0: an OperationOutcome in place of a prefetch value means the EHR failed to
    // fetch it, so the list stays "not retrieved".
    if (StringMember(it.value(), "resourceType") == "OperationOutcome") {
      mapper.Problem(path, "the EHR could not prefetch this key (OperationOutcome): not retrieved");
      continue;
    }
    if (!it.value().is_null()) mapper.MapPrefetchValue(it.value(), path);
    SetRetrieval(result.patient, it.key(), cds::v1::RETRIEVAL_RETRIEVED);
  }
  return result;
}

}  // namespace cdsd::fhir
