// TLS and mutual TLS on the EHR port with certificates made by the test: a client certificate
// from the configured CA is served; no certificate, one from another CA and an expired one are
// refused at the handshake; a renewed server certificate (here: from a new CA) is picked up for
// new connections without a restart.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "security/test_certificates.h"
#include "support/test_server.h"

namespace cdsd::testing {
namespace {

void Write(const std::filesystem::path& path, const std::string& text) {
  const auto temporary = path.string() + ".new";
  std::ofstream(temporary) << text;
  std::filesystem::rename(temporary, path);  // atomically, as a certificate renewal tool would
}

class MutualTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Pem server = ca_.Issue("cdsd.test", /*server=*/true);
    Write(dir_.path() / "server.pem", server.certificate);
    Write(dir_.path() / "server.key", server.private_key);
    Write(dir_.path() / "clients-ca.pem", ca_.pem().certificate);
    server_ = std::make_unique<TestServer>(
        std::vector<PluginEntry>{{"echo", TestPlugin("libcds_test_echo.so")}},
        "tls:\n  certificate_chain: " + (dir_.path() / "server.pem").string() +
            "\n  private_key: " + (dir_.path() / "server.key").string() +
            "\n  client_ca: " + (dir_.path() / "clients-ca.pem").string() + "\n  reload_interval_seconds: 1\n");
  }

  // One ListServices call on a new TLS connection that trusts `server_ca` and presents `client`.
  grpc::Status Call(const std::string& server_ca, const Pem* client) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = server_ca;
    if (client) {
      options.pem_cert_chain = client->certificate;
      options.pem_private_key = client->private_key;
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a new handshake every time
    auto channel = grpc::CreateCustomChannel(server_->server().listen_address(), grpc::SslCredentials(options), args);
    auto stub = cds::v1::DecisionSupport::NewStub(channel);
    cds::v1::ListServicesResponse response;
    auto context = ContextWithDeadline(3000);
    return stub->ListServices(context.get(), {}, &response);
  }

  TempDir dir_;
  TestCa ca_{"cdsd test CA"};
  std::unique_ptr<TestServer> server_;
};

TEST_F(MutualTlsTest, AClientCertificateFromTheConfiguredCaIsServed) {
  const Pem client = ca_.Issue("ehr.test", /*server=*/false);
  const grpc::Status status = Call(ca_.pem().certificate, &client);
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
}

TEST_F(MutualTlsTest, NoClientCertificateIsRefused) {
  EXPECT_EQ(Call(ca_.pem().certificate, nullptr).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, AClientCertificateFromAnotherCaIsRefused) {
  TestCa other("another CA");
  const Pem client = other.Issue("ehr.test", /*server=*/false);
  EXPECT_EQ(Call(ca_.pem().certificate, &client).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, AnExpiredClientCertificateIsRefused) {
  const Pem expired = ca_.Issue("ehr.test", /*server=*/false, -10 * 86400, -86400);
  EXPECT_EQ(Call(ca_.pem().certificate, &expired).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, APlaintextClientIsRefused) {
  auto channel = grpc::CreateChannel(server_->server().listen_address(), grpc::InsecureChannelCredentials());
  auto stub = cds::v1::DecisionSupport::NewStub(channel);
  cds::v1::ListServicesResponse response;
  auto context = ContextWithDeadline(3000);
  EXPECT_EQ(stub->ListServices(context.get(), {}, &response).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, ARenewedServerCertificateIsUsedForNewConnectionsWithoutARestart) {
  const Pem client = ca_.Issue("ehr.test", /*server=*/false);
  TestCa renewed("renewed server CA");
  ASSERT_EQ(Call(renewed.pem().certificate, &client).error_code(), grpc::StatusCode::UNAVAILABLE)
      << "before the renewal the server's certificate is not from the new CA";
  const Pem server = renewed.Issue("cdsd.test", /*server=*/true);
  Write(dir_.path() / "server.key", server.private_key);
  Write(dir_.path() / "server.pem", server.certificate);
  // The files are re-read every second; allow a generous bound for a loaded machine.
  grpc::Status status;
  for (int i = 0; i < 100; ++i) {
    status = Call(renewed.pem().certificate, &client);
    if (status.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(status.ok()) << "the renewed certificate was never served: " << status.error_message();
}

}  // namespace
}  // namespace cdsd::testing
