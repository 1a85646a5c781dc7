// cds.admin.v1.Admin: what is loaded and how it is doing, and reload on demand. Served only on
// the admin listener (Unix socket, mode 0600), never on the EHR-facing port.
#ifndef CDSD_HOST_ADMIN_ADMIN_SERVICE_H_
#define CDSD_HOST_ADMIN_ADMIN_SERVICE_H_

#include <cds/admin/v1/admin.grpc.pb.h>

namespace cdsd {

class CdsServer;

class AdminService final : public cds::admin::v1::Admin::CallbackService {
 public:
  explicit AdminService(CdsServer& server) : server_(server) {}

  grpc::ServerUnaryReactor* ListPlugins(grpc::CallbackServerContext* rpc,
                                        const cds::admin::v1::ListPluginsRequest* request,
                                        cds::admin::v1::ListPluginsResponse* response) override;
  grpc::ServerUnaryReactor* Reload(grpc::CallbackServerContext* rpc,
                                   const cds::admin::v1::ReloadRequest* request,
                                   cds::admin::v1::ReloadResponse* response) override;

 private:
  CdsServer& server_;
};

}  // namespace cdsd

#endif  // CDSD_HOST_ADMIN_ADMIN_SERVICE_H_
