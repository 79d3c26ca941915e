#pragma once

#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "platform/auth/principal.h"

namespace firstline::admin {

// Where the services are and how to sign calls to them, shared by every command that talks
// to the running suite. Each also reads FIRSTLINE_<NAME> (e.g. FIRSTLINE_LEAD_INTAKE).
struct SuiteTargets {
  std::string secret;
  std::string lead_intake = "127.0.0.1:7071";
  std::string ticket_dispatch = "127.0.0.1:7072";
  std::string renewal_reminder = "127.0.0.1:7073";
  std::string channel_attribution = "127.0.0.1:7074";
  int timeout_seconds = 10;
};

// Adds --secret, the service addresses and --timeout to `command`.
void AddTargetOptions(CLI::App& command, SuiteTargets& targets);

// A context signed as an operator, with the command's deadline.
std::unique_ptr<grpc::ClientContext> OperatorContext(const SuiteTargets& targets);

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& target);

// Prints "<command>: <CODE>: <message>" on stderr and returns the exit code for it: 3 when
// the service could not be reached, 1 for anything the service refused.
int Failed(const std::string& command, const grpc::Status& status);

}  // namespace firstline::admin
