#include "admin/suite_client.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "platform/auth/tokens.h"

namespace firstline::admin {
namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    default:
      return "ERROR";
  }
}

}  // namespace

void AddTargetOptions(CLI::App& command, SuiteTargets& t) {
  command.add_option("--secret", t.secret, "the services' token secret")
      ->envname("FIRSTLINE_AUTH_SECRET")
      ->required()
      ->check([](const std::string& s) {
        return s.size() >= 32 ? std::string() : std::string("must be at least 32 bytes");
      });
  command.add_option("--lead-intake", t.lead_intake, "lead-intake address")
      ->envname("FIRSTLINE_LEAD_INTAKE")
      ->capture_default_str();
  command.add_option("--ticket-dispatch", t.ticket_dispatch, "ticket-dispatch address")
      ->envname("FIRSTLINE_TICKET_DISPATCH")
      ->capture_default_str();
  command.add_option("--renewal-reminder", t.renewal_reminder, "renewal-reminder address")
      ->envname("FIRSTLINE_RENEWAL_REMINDER")
      ->capture_default_str();
  command.add_option("--channel-attribution", t.channel_attribution, "channel-attribution address")
      ->envname("FIRSTLINE_CHANNEL_ATTRIBUTION")
      ->capture_default_str();
  command.add_option("--timeout", t.timeout_seconds, "seconds per call")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
}

std::unique_ptr<grpc::ClientContext> OperatorContext(const SuiteTargets& t) {
  platform::TokenIssuer issuer(t.secret, platform::SystemClock::Instance());
  auto token = issuer.Mint({"firstline-cli", platform::PrincipalKind::kOperator, "vendor"},
                           absl::Minutes(10));
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("authorization", "Bearer " + token.value_or(""));
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(t.timeout_seconds));
  return c;
}

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& target) {
  return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
}

int Failed(const std::string& command, const grpc::Status& status) {
  std::fprintf(stderr, "%s: %s: %s\n", command.c_str(), CodeName(status.error_code()),
               status.error_message().c_str());
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
             ? 3
             : 1;
}

}  // namespace firstline::admin
