// The CDS Hooks 2.0 REST door: discovery (GET /cds-services), a hook call (POST
// /cds-services/{id}) and feedback (POST /cds-services/{id}/feedback), CORS for browser EHRs,
// and the FHIR-server fallback for absent prefetch. Each request is translated to cds.v1 and run
// through the same pipeline as gRPC (DecisionSupportService: validation, plugin calls with
// deadlines, audit); only the wire differs.
#ifndef CDSD_HOST_REST_CDS_HOOKS_SERVICE_H_
#define CDSD_HOST_REST_CDS_HOOKS_SERVICE_H_

#include <atomic>
#include <memory>
#include <string>

#include "auth/call_authentication.h"
#include "config/config.h"
#include "rest/cds_hooks_json.h"
#include "rest/fhir_fetcher.h"
#include "rest/http_server.h"
#include "server/decision_support_service.h"

namespace cdsd::rest {

// Counters for the metrics endpoint.
struct RestStats {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> client_errors{0};  // 4xx
  std::atomic<uint64_t> server_errors{0};  // 5xx
};

class CdsHooksService {
 public:
  // `pipeline` and `authenticator` (null: authentication off) outlive this service.
  CdsHooksService(DecisionSupportService& pipeline, const CallAuthenticator* authenticator, CdsHooksConfig config);

  void Handle(HttpRequest&& request, Respond respond);
  const RestStats& stats() const { return stats_; }

 private:
  void Discovery(const HttpRequest& request, Respond respond);
  void Evaluate(const HttpRequest& request, const HookService& entry, Caller caller, Respond respond);
  void Feedback(const HttpRequest& request, Caller caller, Respond respond);
  // Maps the FHIR input and starts the evaluation; answers on `respond`.
  void Run(std::shared_ptr<HookRequest> hook, Caller caller, std::chrono::system_clock::time_point deadline,
           std::string origin, Respond respond);
  HttpResponse Json(int status, const nlohmann::json& body, const std::string& origin);
  HttpResponse Error(int status, const std::string& reason, const std::string& message, const std::string& origin,
                     const std::vector<FieldViolation>& fields = {});
  HttpResponse FromStatus(const grpc::Status& status, const std::string& origin);
  void Cors(HttpResponse& response, const std::string& origin) const;
  bool AllowedFhirServer(const std::string& url) const;

  DecisionSupportService& pipeline_;
  const CallAuthenticator* authenticator_;
  CdsHooksConfig config_;
  RestStats stats_;
  // Last: destroyed first, so its threads finish before what their callbacks use goes away.
  FhirFetcher fetcher_;
};

// The HTTP status for a pipeline status (INVALID_ARGUMENT 400, NOT_FOUND 404, ...).
int HttpStatusFor(const grpc::Status& status);

}  // namespace cdsd::rest

#endif  // CDSD_HOST_REST_CDS_HOOKS_SERVICE_H_
