#pragma once

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "demo/demo_script.h"
#include "demo/demo_tally.h"
#include "firstline/v1/attribution.grpc.pb.h"
#include "firstline/v1/lead_intake.grpc.pb.h"
#include "firstline/v1/renewals.grpc.pb.h"
#include "firstline/v1/ticket_dispatch.grpc.pb.h"
#include "platform/auth/tokens.h"

namespace firstline::demo {

struct DemoConfig {
  std::string lead_intake = "127.0.0.1:7071";
  std::string ticket_dispatch = "127.0.0.1:7072";
  std::string renewal_reminder = "127.0.0.1:7073";
  std::string channel_attribution = "127.0.0.1:7074";
  std::string auth_secret;
  double leads_per_second = 3;
  double tickets_per_second = 0.5;
  int reps = 6;
  int engineers = 4;
  int partners = 2;
  // When set, renewal-reminder runs with --clock-shift-file at this path and the demo moves
  // its clock `clock_speed` times faster than real time, so follow-ups and renewal reminders
  // fall due within the minute.
  std::string clock_shift_file;
  double clock_speed = 7200;
  uint32_t seed = 2026;
};

// The suite's simulated users, each on threads of its own, through the public gRPC APIs only:
// a call centre pushing leads (channel mix, repeat callers), reps' and engineers' apps that
// accept or decline what they are offered and work it, partners registering opportunities,
// contracts signed for qualified leads, tickets raised by customers.
class DemoUsers {
 public:
  DemoUsers(DemoConfig config, DemoTally& tally);
  ~DemoUsers();

  // Roster, channel catalogue and today's spend; an error names the call that failed.
  absl::Status SetUp();
  void Start();
  void Stop();  // ends every stream and joins every thread

  // Channels by customer acquisition cost today, cheapest first.
  std::vector<ChannelCost> CheapestChannels(size_t n);
  absl::Duration ClockAhead() const;

 private:
  struct Customer {
    std::string account;
    std::string region;
    std::string product_line;
  };

  void CallCentre();
  void RepApp(const std::string& rep, const std::string& org, uint32_t seed);
  void RepTasks(const std::string& rep, uint32_t seed);
  void EngineerApp(const std::string& engineer, uint32_t seed);
  void PartnerAgent(const std::string& org, uint32_t seed);
  void TicketRaiser();
  void ClockDriver();

  void WorkLead(const std::string& rep, const std::string& org, const v1::Lead& lead,
                DemoScript& script);
  void WorkTicket(const std::string& engineer, const v1::Ticket& ticket, DemoScript& script);

  std::unique_ptr<grpc::ClientContext> As(const platform::Principal& who);
  // A context for a long-lived stream, cancelled by Stop().
  std::shared_ptr<grpc::ClientContext> StreamAs(const platform::Principal& who);
  bool Check(const grpc::Status& st, const char* call);
  bool Pause(absl::Duration d);  // false once stopping
  bool stopping();

  DemoConfig config_;
  DemoTally& tally_;
  platform::TokenIssuer issuer_;
  std::unique_ptr<v1::LeadIntake::Stub> leads_;
  std::unique_ptr<v1::PartnerOpportunities::Stub> partners_;
  std::unique_ptr<v1::TicketDesk::Stub> tickets_;
  std::unique_ptr<v1::FieldEngineer::Stub> field_;
  std::unique_ptr<v1::Renewals::Stub> renewals_;
  std::unique_ptr<v1::Attribution::Stub> attribution_;
  const absl::Time started_ = absl::Now();
  // In every idempotency key the demo makes up: the suite's Redis outlives a demo run, and a
  // second run must not replay the first one's answers (or be refused for new content).
  const std::string run_ = absl::StrCat(absl::ToUnixMillis(started_));

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::weak_ptr<grpc::ClientContext>> streams_;  // open streams, cancelled by Stop
  std::vector<Customer> customers_;
  std::vector<std::thread> threads_;
};

}  // namespace firstline::demo
