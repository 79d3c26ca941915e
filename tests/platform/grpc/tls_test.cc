// TLS and mutual TLS on the gRPC host, with certificates made by the openssl command.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "firstline/testing/v1/echo.grpc.pb.h"
#include "platform/auth/tokens.h"
#include "platform/grpc/server_host.h"
#include "support/echo_parts.h"
#include "support/process.h"

namespace firstline::platform {
namespace {

constexpr char kSecret[] = "tls-test-secret-tls-test-secret-tls!";

using testing::ReadFile;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string d = dir_.path();
    // A CA, a server certificate for localhost and a client certificate, all signed by the CA.
    std::string script =
        "set -e; cd " + d +
        "; openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 "
        "-subj /CN=test-ca 2>/dev/null"
        "; for who in server client; do "
        "openssl req -newkey rsa:2048 -nodes -keyout $who.key -out $who.csr -subj /CN=localhost "
        "2>/dev/null; printf 'subjectAltName=DNS:localhost' > $who.ext; "
        "openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $who.pem "
        "-days 1 -extfile $who.ext 2>/dev/null; done";
    ASSERT_EQ(std::system(script.c_str()), 0) << "openssl failed";
  }

  absl::StatusOr<int> Start(bool mutual) {
    GrpcServerConfig config;
    config.address = "127.0.0.1";
    config.tls_cert_file = dir_.path() + "/server.pem";
    config.tls_key_file = dir_.path() + "/server.key";
    if (mutual) config.client_ca_file = dir_.path() + "/ca.pem";
    host_ = std::make_unique<ServerHost>(config, parts_.metrics);
    host_->AddService(&parts_.echo);
    return host_->Start();
  }

  grpc::Status Ping(int port, bool with_client_cert) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFile(dir_.path() + "/ca.pem");
    if (with_client_cert) {
      options.pem_private_key = ReadFile(dir_.path() + "/client.key");
      options.pem_cert_chain = ReadFile(dir_.path() + "/client.pem");
    }
    auto stub = firstline::testing::v1::Echo::NewStub(
        grpc::CreateChannel("localhost:" + std::to_string(port), grpc::SslCredentials(options)));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    ctx.AddMetadata("authorization", parts_.Bearer(PrincipalKind::kCallCentre));
    firstline::testing::v1::PingRequest req;
    firstline::testing::v1::PingResponse resp;
    return stub->Ping(&ctx, req, &resp);
  }

  testing::TempDir dir_;
  testing::EchoParts parts_{kSecret};
  std::unique_ptr<ServerHost> host_;
};

TEST_F(TlsTest, TlsServesClientsThatTrustTheCa) {
  auto port = Start(false);
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_TRUE(Ping(*port, false).ok());
  auto plaintext = firstline::testing::v1::Echo::NewStub(grpc::CreateChannel(
      "localhost:" + std::to_string(*port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  firstline::testing::v1::PingRequest req;
  firstline::testing::v1::PingResponse resp;
  EXPECT_FALSE(plaintext->Ping(&ctx, req, &resp).ok()) << "plaintext must not reach a TLS port";
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificate) {
  auto port = Start(true);
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_TRUE(Ping(*port, true).ok());
  EXPECT_FALSE(Ping(*port, false).ok());
}

TEST_F(TlsTest, IncompleteTlsSettingsAreRefused) {
  GrpcServerConfig config;
  config.tls_cert_file = dir_.path() + "/server.pem";
  ServerHost host(config, parts_.metrics);
  EXPECT_EQ(host.Start().status().code(), absl::StatusCode::kInvalidArgument);
  GrpcServerConfig missing;
  missing.tls_cert_file = dir_.path() + "/nope.pem";
  missing.tls_key_file = dir_.path() + "/nope.key";
  ServerHost host2(missing, parts_.metrics);
  EXPECT_EQ(host2.Start().status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace firstline::platform
