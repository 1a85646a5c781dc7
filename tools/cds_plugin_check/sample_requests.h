// The requests the checker sends to a plugin: serialized cds.plugin.v1.EvaluateInput, either
// synthesised for each hook the plugin declares (an empty patient and a richly documented one)
// or read from cds.v1.EvaluateRequest files in proto3 JSON (such as examples/*/*.json) and
// turned into plugin input the way cdsd does.
#ifndef CDS_PLUGIN_CHECK_SAMPLE_REQUESTS_H_
#define CDS_PLUGIN_CHECK_SAMPLE_REQUESTS_H_

#include <absl/status/statusor.h>
#include <cds/plugin/v1/plugin.pb.h>

#include <filesystem>
#include <string>
#include <vector>

namespace cds_plugin_check {

struct SampleRequest {
  // Where it came from, for messages: "patient-view/empty-patient" or a file name.
  std::string name;
  std::string hook;
  // A serialized cds.plugin.v1.EvaluateInput.
  std::string bytes;
};

// Two requests per hook: a patient with nothing recorded, and one with every kind of data the
// payload can carry.
std::vector<SampleRequest> SynthesisedRequests(const cds::plugin::v1::PluginInfo& info,
                                               const std::string& service_id);

struct RequestFiles {
  std::vector<SampleRequest> requests;
  // Files whose hook the plugin does not declare: cdsd would never send them to it.
  std::vector<std::string> skipped;
};

// Reads every request in `paths` (files, or folders whose *.json files are read in name order;
// *.expect.json files are expectations and are left out). Fails on the first file that is not a
// valid cds.v1.EvaluateRequest.
absl::StatusOr<RequestFiles> ReadRequestFiles(const std::vector<std::filesystem::path>& paths,
                                              const cds::plugin::v1::PluginInfo& info,
                                              const std::string& service_id);

}  // namespace cds_plugin_check

#endif  // CDS_PLUGIN_CHECK_SAMPLE_REQUESTS_H_
