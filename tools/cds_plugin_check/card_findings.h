// What the card rules found in one card: failures make the cards check fail; warnings are
// printed under a passing check, for what one EHR refuses and CDS Hooks allows.
#ifndef CDS_PLUGIN_CHECK_CARD_FINDINGS_H_
#define CDS_PLUGIN_CHECK_CARD_FINDINGS_H_

#include <string>
#include <vector>

namespace cds_plugin_check {

struct CardFindings {
  std::vector<std::string> failures;
  std::vector<std::string> warnings;

  void Fail(std::string problem) { failures.push_back(std::move(problem)); }
  void Warn(std::string problem) { warnings.push_back(std::move(problem)); }
};

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_CARD_FINDINGS_H_
