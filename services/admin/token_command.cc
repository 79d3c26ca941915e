#include "admin/token_command.h"

#include <cstdio>
#include <memory>

#include "platform/auth/tokens.h"

namespace firstline::admin {
namespace {

struct MintOptions {
  std::string secret;
  std::string kind = "operator";
  std::string subject;
  std::string organisation = "vendor";
  int ttl_hours = 12;
};

}  // namespace

void AddTokenCommands(CLI::App& app, int& exit_code) {
  auto* token = app.add_subcommand("token", "bearer tokens");
  token->require_subcommand(1);
  auto opts = std::make_shared<MintOptions>();
  auto* mint = token->add_subcommand("mint", "print a signed HS256 token on stdout");
  mint->add_option("--secret", opts->secret, "signing secret (>= 32 bytes)")
      ->envname("FIRSTLINE_AUTH_SECRET")
      ->required();
  mint->add_option("--kind", opts->kind, "call_centre, partner, rep, engineer, operator or service")
      ->capture_default_str();
  mint->add_option("--subject", opts->subject, "user or service id")->required();
  mint->add_option("--org", opts->organisation, "organisation id")->capture_default_str();
  mint->add_option("--ttl-hours", opts->ttl_hours, "validity")->capture_default_str();
  mint->callback([opts, &exit_code] {
    auto kind = platform::ParseKind(opts->kind);
    if (!kind.has_value()) {
      std::fprintf(stderr,
                   "token mint: --kind '%s' is not one of call_centre, partner, rep, "
                   "engineer, operator, service\n",
                   opts->kind.c_str());
      exit_code = 2;
      return;
    }
    platform::TokenIssuer issuer(opts->secret, platform::SystemClock::Instance());
    auto token =
        issuer.Mint({opts->subject, *kind, opts->organisation}, absl::Hours(opts->ttl_hours));
    if (!token.ok()) {
      std::fprintf(stderr, "token mint: %s\n", std::string(token.status().message()).c_str());
      exit_code = 2;
      return;
    }
    std::printf("%s\n", token->c_str());
  });
}

}  // namespace firstline::admin
