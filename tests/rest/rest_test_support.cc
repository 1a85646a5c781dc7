#include "rest/rest_test_support.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace cdsd::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;
using google::protobuf::util::TimeUtil;

json Coding(const cds::v1::Coding& c) {
  json out = {{"system", c.system()}, {"code", c.code()}};
  if (!c.display().empty()) out["display"] = c.display();
  return out;
}

json Concept(const cds::v1::CodeableConcept& cc) {
  json out = json::object();
  json codings = json::array();
  for (const auto& c : cc.coding()) codings.push_back(Coding(c));
  if (!codings.empty()) out["coding"] = std::move(codings);
  if (!cc.text().empty()) out["text"] = cc.text();
  return out;
}

json Status(const std::string& system, const std::string& code) {
  return {{"coding", json::array({{{"system", system}, {"code", code}}})}};
}

std::string Lower(std::string name, const std::string& prefix) {
  name = name.substr(prefix.size());
  for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

json Bundle(json entries) {
  json list = json::array();
  for (auto& r : entries) list.push_back({{"resource", std::move(r)}});
  return {{"resourceType", "Bundle"}, {"type", "searchset"}, {"entry", std::move(list)}};
}

json ObservationResource(const cds::v1::Observation& o, const std::string& patient_id) {
  json r = {{"resourceType", "Observation"},
            {"status", "final"},
            {"subject", {{"reference", "Patient/" + patient_id}}},
            {"code", {{"coding", json::array({Coding(o.code())})}}}};
  if (o.has_value()) {
    r["valueQuantity"] = {{"value", o.value()}, {"unit", o.unit()}, {"system", "http://unitsofmeasure.org"},
                          {"code", o.unit()}};
  }
  if (o.has_effective_time()) r["effectiveDateTime"] = TimeUtil::ToString(o.effective_time());
  return r;
}

json Dosage(const std::string& text, const cds::v1::CodeableConcept* route, const cds::v1::Quantity* dose,
            std::optional<int> frequency, std::optional<double> period, const std::string& period_unit) {
  json d = json::object();
  if (!text.empty()) d["text"] = text;
  if (route != nullptr && (route->coding_size() > 0 || !route->text().empty())) d["route"] = Concept(*route);
  if (dose != nullptr) {
    d["doseAndRate"] = json::array({{{"doseQuantity", {{"value", dose->value()}, {"unit", dose->unit()},
                                                       {"system", "http://unitsofmeasure.org"}, {"code", dose->unit()}}}}});
  }
  json repeat = json::object();
  if (frequency) repeat["frequency"] = *frequency;
  if (period) repeat["period"] = *period;
  if (!period_unit.empty()) repeat["periodUnit"] = period_unit;
  if (!repeat.empty()) d["timing"] = {{"repeat", std::move(repeat)}};
  return d;
}

}  // namespace

HttpResult HttpCall(const std::string& address, const std::string& method, const std::string& target,
                    const std::string& body, const std::map<std::string, std::string>& headers,
                    std::chrono::milliseconds timeout) {
  HttpResult result;
  try {
    boost::asio::io_context io;
    const size_t colon = address.rfind(':');
    boost::asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.connect(resolver.resolve(address.substr(0, colon), address.substr(colon + 1)));
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, address);
    if (!body.empty()) request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buffer, parser);
    const auto& response = parser.get();
    result.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      result.headers.emplace(name, std::string(field.value()));
    }
    result.body = response.body();
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

json PrefetchFor(const cds::v1::PatientContext& p) {
  const std::string id = p.patient_id().empty() ? "example" : p.patient_id();
  json prefetch = json::object();
  json patient = {{"resourceType", "Patient"}, {"id", id}};
  if (!p.birth_date().empty()) patient["birthDate"] = p.birth_date();
  if (p.sex() != cds::v1::ADMINISTRATIVE_SEX_UNSPECIFIED) {
    patient["gender"] = Lower(cds::v1::AdministrativeSex_Name(p.sex()), "ADMINISTRATIVE_SEX_");
  }
  prefetch["patient"] = patient;
  const auto& r = p.retrieval();
  auto wanted = [](cds::v1::Retrieval retrieval, int size) {
    return retrieval == cds::v1::RETRIEVAL_RETRIEVED || (retrieval == cds::v1::RETRIEVAL_UNSPECIFIED && size > 0);
  };
  if (wanted(r.conditions(), p.conditions_size())) {
    json list = json::array();
    for (const auto& c : p.conditions()) {
      json res = {{"resourceType", "Condition"}, {"subject", {{"reference", "Patient/" + id}}}, {"code", Concept(c.code())}};
      if (c.clinical_status() != cds::v1::CONDITION_CLINICAL_STATUS_UNSPECIFIED) {
        res["clinicalStatus"] = Status("http://terminology.hl7.org/CodeSystem/condition-clinical",
                                       Lower(cds::v1::ConditionClinicalStatus_Name(c.clinical_status()),
                                             "CONDITION_CLINICAL_STATUS_"));
      }
      if (c.verification_status() != cds::v1::VERIFICATION_STATUS_UNSPECIFIED) {
        res["verificationStatus"] = Status("http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                           Lower(cds::v1::VerificationStatus_Name(c.verification_status()),
                                                 "VERIFICATION_STATUS_"));
      }
      if (!c.onset_date().empty()) res["onsetDateTime"] = c.onset_date();
      if (!c.abatement_date().empty()) res["abatementDateTime"] = c.abatement_date();
      list.push_back(std::move(res));
    }
    prefetch["conditions"] = Bundle(std::move(list));
  }
  if (wanted(r.allergies(), p.allergies_size())) {
    json list = json::array();
    for (const auto& a : p.allergies()) {
      json res = {{"resourceType", "AllergyIntolerance"}, {"patient", {{"reference", "Patient/" + id}}},
                  {"code", Concept(a.substance())}};
      if (a.clinical_status() != cds::v1::ALLERGY_CLINICAL_STATUS_UNSPECIFIED) {
        res["clinicalStatus"] = Status("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                                       Lower(cds::v1::AllergyClinicalStatus_Name(a.clinical_status()),
                                             "ALLERGY_CLINICAL_STATUS_"));
      }
      if (a.verification_status() != cds::v1::VERIFICATION_STATUS_UNSPECIFIED) {
        res["verificationStatus"] = Status("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                                           Lower(cds::v1::VerificationStatus_Name(a.verification_status()),
                                                 "VERIFICATION_STATUS_"));
      }
      if (!a.reaction().empty()) res["reaction"] = json::array({{{"manifestation", json::array({{{"text", a.reaction()}}})}}});
      list.push_back(std::move(res));
    }
    prefetch["allergies"] = Bundle(std::move(list));
  }
  if (wanted(r.medications(), p.medications_size())) {
    json list = json::array();
    for (const auto& m : p.medications()) {
      cds::v1::CodeableConcept medication = m.medication();
      if (medication.text().empty()) medication.set_text(m.name());
      json res = {{"resourceType", "MedicationRequest"}, {"intent", "order"},
                  {"subject", {{"reference", "Patient/" + id}}}, {"medicationCodeableConcept", Concept(medication)}};
      static const std::map<cds::v1::MedicationStatus, const char*> kStatus = {
          {cds::v1::MEDICATION_STATUS_ACTIVE, "active"}, {cds::v1::MEDICATION_STATUS_ON_HOLD, "on-hold"},
          {cds::v1::MEDICATION_STATUS_STOPPED, "stopped"}, {cds::v1::MEDICATION_STATUS_COMPLETED, "completed"},
          {cds::v1::MEDICATION_STATUS_INTENDED, "draft"}};
      if (auto it = kStatus.find(m.status()); it != kStatus.end()) res["status"] = it->second;
      if (m.has_daily_dose()) {
        cds::v1::Quantity dose = m.daily_dose();
        std::string unit = dose.unit();
        if (unit.size() > 2 && unit.substr(unit.size() - 2) == "/d") unit.resize(unit.size() - 2);
        dose.set_unit(unit);
        res["dosageInstruction"] = json::array({Dosage("", nullptr, &dose, 1, 1.0, "d")});
      }
      list.push_back(std::move(res));
    }
    prefetch["medications"] = Bundle(std::move(list));
  }
  if (wanted(r.antidepressant_trials(), p.antidepressant_trials_size())) {
    json list = json::array();
    for (const auto& t : p.antidepressant_trials()) {
      json parts = json::array();
      if (t.adequate_dose() == cds::v1::ASSESSMENT_YES || t.adequate_dose() == cds::v1::ASSESSMENT_NO) {
        parts.push_back({{"url", "adequateDose"}, {"valueBoolean", t.adequate_dose() == cds::v1::ASSESSMENT_YES}});
      }
      if (t.has_duration_weeks()) parts.push_back({{"url", "durationWeeks"}, {"valueDecimal", t.duration_weeks()}});
      if (t.has_percent_improvement()) {
        parts.push_back({{"url", "percentImprovement"}, {"valueDecimal", t.percent_improvement()}});
      }
      json res = {{"resourceType", "MedicationStatement"},
                  {"status", "completed"},
                  {"subject", {{"reference", "Patient/" + id}}},
                  {"medicationCodeableConcept", Concept(t.drug())},
                  {"extension", json::array({{{"url", "https://cdsd.dev/fhir/StructureDefinition/antidepressant-trial"},
                                               {"extension", std::move(parts)}}})}};
      if (!t.start_date().empty()) res["effectivePeriod"] = {{"start", t.start_date()}};
      list.push_back(std::move(res));
    }
    prefetch["antidepressantTrials"] = Bundle(std::move(list));
  }
  const bool observations = wanted(r.observations(), p.observations_size() + (p.has_weight() ? 1 : 0));
  if (observations) {
    json list = json::array();
    for (const auto& o : p.observations()) list.push_back(ObservationResource(o, id));
    if (p.has_weight()) list.push_back(ObservationResource(p.weight(), id));
    if (p.has_height()) list.push_back(ObservationResource(p.height(), id));
    static const std::map<cds::v1::PregnancyStatus, const char*> kPregnancy = {
        {cds::v1::PREGNANCY_STATUS_PREGNANT, "77386006"},
        {cds::v1::PREGNANCY_STATUS_NOT_PREGNANT, "60001007"},
        {cds::v1::PREGNANCY_STATUS_UNKNOWN, "261665006"}};
    if (auto it = kPregnancy.find(p.pregnancy_status()); it != kPregnancy.end()) {
      list.push_back({{"resourceType", "Observation"},
                      {"status", "final"},
                      {"code", {{"coding", json::array({{{"system", "http://loinc.org"}, {"code", "82810-3"}}})}}},
                      {"valueCodeableConcept",
                       {{"coding", json::array({{{"system", "http://snomed.info/sct"}, {"code", it->second}}})}}}});
    }
    prefetch["observations"] = Bundle(std::move(list));
  }
  return prefetch;
}

json ContextFor(const cds::v1::EvaluateRequest& request) {
  json context = {{"patientId", request.patient().patient_id().empty() ? "example" : request.patient().patient_id()},
                  {"userId", request.user_id().empty() ? "Practitioner/example" : request.user_id()}};
  if (!request.encounter_id().empty()) context["encounterId"] = request.encounter_id();
  if (request.draft_orders_size() > 0) {
    json orders = json::array();
    for (const auto& o : request.draft_orders()) {
      json r = {{"resourceType", o.resource_type().empty() ? "MedicationRequest" : o.resource_type()}, {"id", o.id()},
                {"intent", "order"}};
      if (!o.status().empty()) r["status"] = o.status();
      if (o.has_medication()) r["medicationCodeableConcept"] = Concept(o.medication());
      std::optional<int> frequency;
      std::optional<double> period;
      if (o.has_frequency()) frequency = o.frequency();
      if (o.has_period()) period = o.period();
      json dosage = Dosage(o.dosage_text(), o.has_route() ? &o.route() : nullptr, o.has_dose() ? &o.dose() : nullptr,
                           frequency, period, o.period_unit());
      if (!dosage.empty()) r["dosageInstruction"] = json::array({std::move(dosage)});
      orders.push_back(std::move(r));
    }
    context["draftOrders"] = Bundle(std::move(orders));
  }
  if (request.selections_size() > 0) {
    json selections = json::array();
    for (const auto& s : request.selections()) selections.push_back(s);
    context["selections"] = std::move(selections);
  }
  return context;
}

json HookRequestFor(const cds::v1::EvaluateRequest& request, bool with_prefetch) {
  json body = {{"hook", request.hook()}, {"hookInstance", request.hook_instance()}, {"context", ContextFor(request)}};
  if (with_prefetch) body["prefetch"] = PrefetchFor(request.patient());
  json evaluation = json::object();
  if (request.has_evaluation_time()) evaluation["evaluationTime"] = TimeUtil::ToString(request.evaluation_time());
  if (!request.evaluation_date().empty()) evaluation["evaluationDate"] = request.evaluation_date();
  // What FHIR has no home for travels in cdsd's patient extension, in cds.v1's JSON form.
  cds::v1::PatientContext rest;
  const auto& p = request.patient();
  if (p.has_session_report()) *rest.mutable_session_report() = p.session_report();
  if (p.has_treatment_course()) *rest.mutable_treatment_course() = p.treatment_course();
  rest.set_child_pugh_class(p.child_pugh_class());
  rest.set_breastfeeding_status(p.breastfeeding_status());
  if (p.pregnancy_status() == cds::v1::PREGNANCY_STATUS_NOT_APPLICABLE) rest.set_pregnancy_status(p.pregnancy_status());
  json extension = {{"dev.cdsd.evaluation", std::move(evaluation)}};
  std::string text;
  google::protobuf::util::MessageToJsonString(rest, &text);
  if (text != "{}") extension["dev.cdsd.patient"] = json::parse(text);
  body["extension"] = std::move(extension);
  return body;
}

}  // namespace cdsd::testing
