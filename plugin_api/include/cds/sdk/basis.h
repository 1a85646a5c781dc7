// cds/sdk/basis.h: how a card records the basis of its answer, the same way in every plugin.
// A CriterionRecorder writes one rule's outcome, the inputs it used (with their request paths),
// the inputs it missed (with what their absence prevents) and the citations it rests on into the
// cds.v1.Card fields; RenderBasis turns that structured basis into markdown for Card.detail.
// AddInputRequirement declares in PluginInfo an input a service reads.
#ifndef CDS_SDK_BASIS_H_
#define CDS_SDK_BASIS_H_

#include <cds/plugin/v1/plugin.pb.h>
#include <cds/sdk/clinical.h>
#include <cds/v1/card.pb.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace cds::sdk {

inline void AddInputRequirement(cds::plugin::v1::PluginInfo& info, std::string path,
                                std::string description, bool required) {
  cds::v1::InputRequirement* input = info.add_inputs();
  input->set_path(std::move(path));
  input->set_description(std::move(description));
  input->set_required(required);
}

// Records one criterion of `card`. The criterion starts UNKNOWN: a rule that returns early
// without concluding never reads as met.
class CriterionRecorder {
 public:
  CriterionRecorder(cds::v1::Card& card, std::string id, std::string description,
                    std::string role)
      : card_(card), criterion_(card.add_criteria()) {
    criterion_->set_id(std::move(id));
    criterion_->set_description(std::move(description));
    criterion_->set_role(std::move(role));
    criterion_->set_outcome(cds::v1::CRITERION_OUTCOME_UNKNOWN);
  }

  // Adds a citation id (once).
  CriterionRecorder& Cite(std::string_view citation_id) {
    const auto& ids = criterion_->citation_ids();
    if (std::find(ids.begin(), ids.end(), citation_id) == ids.end()) {
      criterion_->add_citation_ids(std::string(citation_id));
    }
    return *this;
  }
  template <class Ids>
  CriterionRecorder& CiteAll(const Ids& ids) {
    for (const auto& id : ids) Cite(id);
    return *this;
  }
  // An input the rule used, with where it came from in the request.
  CriterionRecorder& Input(std::string name, std::string value, std::string path) {
    AddInput(*criterion_, std::move(name), std::move(value), std::move(path));
    return *this;
  }
  // An input the rule needed and did not get: recorded on the card once per path.
  CriterionRecorder& Missing(std::string path, std::string name, std::string impact) {
    AddMissingInput(card_, std::move(path), std::move(name), std::move(impact));
    return *this;
  }
  void Conclude(cds::v1::CriterionOutcome outcome, std::string explanation) {
    criterion_->set_outcome(outcome);
    criterion_->set_explanation(std::move(explanation));
  }

  cds::v1::Criterion& criterion() { return *criterion_; }

 private:
  cds::v1::Card& card_;
  cds::v1::Criterion* criterion_;
};

inline const char* OutcomeName(cds::v1::CriterionOutcome outcome) {
  switch (outcome) {
    case cds::v1::CRITERION_OUTCOME_MET: return "Met";
    case cds::v1::CRITERION_OUTCOME_NOT_MET: return "Not met";
    case cds::v1::CRITERION_OUTCOME_UNKNOWN: return "**Unknown**";
    case cds::v1::CRITERION_OUTCOME_NOT_APPLICABLE: return "Not applicable";
    default: return "?";
  }
}

// Appends `text` safe inside one markdown table cell: pipes escaped, line breaks as spaces.
inline void AppendTableCell(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
}

// " [A, B]" after a statement, or nothing when it cites nothing.
inline void AppendCitationRefs(std::string& out, const cds::v1::Criterion& criterion) {
  for (int i = 0; i < criterion.citation_ids_size(); ++i) {
    out += i == 0 ? " [" : ", ";
    out += criterion.citation_ids(i);
  }
  if (criterion.citation_ids_size() > 0) out += ']';
}

// The section headings RenderBasis writes; an empty heading leaves its section out.
struct BasisHeadings {
  std::string missing_inputs = "#### Missing inputs";
  std::string criteria = "#### All criteria";
  std::string sources = "#### Sources";
};

// "- `path` name: impact" for each missing input, under its heading (nothing when none).
inline void AppendMissingInputs(std::string& md, const cds::v1::Card& card,
                                std::string_view heading) {
  if (card.missing_inputs().empty() || heading.empty()) return;
  md += '\n';
  md += heading;
  md += '\n';
  for (const cds::v1::MissingInput& m : card.missing_inputs()) {
    md += "- `" + m.path() + "` " + m.name() + ": " + m.impact() + "\n";
  }
}

// One table row per criterion: description, outcome, values used (with paths), explanation and
// the citations it rests on.
inline void AppendCriteriaTable(std::string& md, const cds::v1::Card& card,
                                std::string_view heading) {
  if (heading.empty()) return;
  md += '\n';
  md += heading;
  md += "\n| Criterion | Outcome | Values used | Basis |\n|---|---|---|---|\n";
  for (const cds::v1::Criterion& c : card.criteria()) {
    md += "| ";
    AppendTableCell(md, c.description());
    md += " | ";
    md += OutcomeName(c.outcome());
    md += " | ";
    if (c.inputs_size() == 0) md += '-';
    for (int i = 0; i < c.inputs_size(); ++i) {
      const cds::v1::InputValue& v = c.inputs(i);
      if (i > 0) md += "; ";
      AppendTableCell(md, v.name());
      md += ": ";
      AppendTableCell(md, v.value());
      md += " (`" + v.path() + "`)";
    }
    md += " | ";
    AppendTableCell(md, c.explanation());
    AppendCitationRefs(md, c);
    md += " |\n";
  }
}

// "- id: title, edition, <url>" for each citation of the card.
inline void AppendSources(std::string& md, const cds::v1::Card& card, std::string_view heading) {
  if (heading.empty() || card.citations().empty()) return;
  md += '\n';
  md += heading;
  md += '\n';
  for (const cds::v1::Citation& citation : card.citations()) {
    md += "- " + citation.id() + ": " + citation.title() + ", " + citation.edition();
    if (!citation.url().empty()) md += ", <" + citation.url() + ">";
    md += '\n';
  }
}

// The card's basis as markdown: missing inputs, every criterion, the sources.
inline std::string RenderBasis(const cds::v1::Card& card, const BasisHeadings& headings = {}) {
  std::string md;
  AppendMissingInputs(md, card, headings.missing_inputs);
  AppendCriteriaTable(md, card, headings.criteria);
  AppendSources(md, card, headings.sources);
  return md;
}

}  // namespace cds::sdk

#endif  // CDS_SDK_BASIS_H_
