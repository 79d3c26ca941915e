#pragma once

// The whole suite as real processes — redis-server, the dev broker and the four services —
// with clients for their public gRPC APIs, for end-to-end tests (label e2e).
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

#include "firstline/v1/attribution.grpc.pb.h"
#include "firstline/v1/lead_intake.grpc.pb.h"
#include "firstline/v1/renewals.grpc.pb.h"
#include "firstline/v1/ticket_dispatch.grpc.pb.h"
#include "platform/auth/tokens.h"
#include "support/http_probe.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace firstline::suite::testing {

using firstline::testing::ReadFile;
using firstline::testing::WaitFor;
using platform::Principal;
using platform::PrincipalKind;

inline constexpr char kSecret[] = "suite-e2e-secret-suite-e2e-secret-0001";

// Reads a server stream on a thread of its own and keeps every message, so a test can wait
// for the one it expects while the stream stays open (and its presence with it).
template <typename Response>
class StreamTap {
 public:
  using Open = std::function<std::unique_ptr<grpc::ClientReader<Response>>(grpc::ClientContext*)>;
  StreamTap(std::unique_ptr<grpc::ClientContext> context, const Open& open)
      : context_(std::move(context)), reader_(open(context_.get())) {
    thread_ = std::thread([this] {
      Response m;
      while (reader_->Read(&m)) {
        std::lock_guard lock(mu_);
        seen_.push_back(m);
      }
      reader_->Finish().ok();  // cancelled at the end of the test
    });
  }
  ~StreamTap() {
    context_->TryCancel();
    thread_.join();
  }
  // Every message received so far that `match` accepts, once there are at least `n` of them
  // (waiting up to `timeout`); fewer when they did not come.
  std::vector<Response> Await(const std::function<bool(const Response&)>& match, size_t n = 1,
                              absl::Duration timeout = absl::Seconds(30)) {
    std::vector<Response> found;
    WaitFor(
        [&] {
          std::lock_guard lock(mu_);
          found.clear();
          for (const auto& m : seen_) {
            if (match(m)) found.push_back(m);
          }
          return found.size() >= n;
        },
        timeout);
    return found;
  }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<Response>> reader_;
  std::mutex mu_;
  std::vector<Response> seen_;
  std::thread thread_;
};

class SuiteTest : public ::testing::Test {
 protected:
  struct Service {
    std::string name;
    int grpc_port = 0;
    int metrics_port = 0;
    std::string log;
    std::unique_ptr<firstline::testing::ChildProcess> process;
  };

  void SetUp() override {
    ASSERT_TRUE(broker_.ready());
    clock_shift_file_ = broker_.dir() + "/clock-shift";
    ShiftRenewalClock(absl::ZeroDuration());
    const std::string policies = std::string(FIRSTLINE_SOURCE_DIR) + "/deploy/policies/";
    leads_ = Start("lead-intake", "services/lead-intake/firstline-lead-intake",
                   {"--policy", policies + "leads.yaml", "--sweep-interval-ms", "200"});
    tickets_ = Start("ticket-dispatch", "services/ticket-dispatch/firstline-ticket-dispatch",
                     {"--policy", policies + "tickets.yaml", "--sweep-interval-ms", "200"});
    renewals_ =
        Start("renewal-reminder", "services/renewal-reminder/firstline-renewal-reminder",
              {"--schedule-policy", policies + "reminders.yaml", "--fire-interval-ms", "200",
               "--ticket-dispatch", "127.0.0.1:" + std::to_string(services_[tickets_].grpc_port),
               "--clock-shift-file", clock_shift_file_});
    attribution_ =
        Start("channel-attribution", "services/channel-attribution/firstline-channel-attribution",
              {"--settings", policies + "attribution.yaml"});
    for (const auto& s : services_) {
      ASSERT_TRUE(WaitFor(
          [&] { return firstline::testing::HttpGetStatus(s.metrics_port, "/healthz") == 200; },
          absl::Seconds(30)))
          << s.name << " did not become ready:\n"
          << ReadFile(s.log);
    }
    lead_intake_ = v1::LeadIntake::NewStub(Channel(leads_));
    partners_ = v1::PartnerOpportunities::NewStub(Channel(leads_));
    ticket_desk_ = v1::TicketDesk::NewStub(Channel(tickets_));
    field_ = v1::FieldEngineer::NewStub(Channel(tickets_));
    renewals_stub_ = v1::Renewals::NewStub(Channel(renewals_));
    attribution_stub_ = v1::Attribution::NewStub(Channel(attribution_));
  }

  void TearDown() override {
    // Every service drains and exits cleanly, and none logged an error along the way.
    for (auto it = services_.rbegin(); it != services_.rend(); ++it) {
      EXPECT_EQ(it->process->Stop(SIGTERM, 20000), 0) << it->name << ":\n" << ReadFile(it->log);
      const std::string log = ReadFile(it->log);
      EXPECT_EQ(log.find("\"level\":\"error\""), std::string::npos) << it->name << ":\n" << log;
    }
  }

  // A context signed for `who`; valid for three years, so a service whose clock is shifted
  // ahead still accepts it.
  std::unique_ptr<grpc::ClientContext> As(const Principal& who) {
    auto c = std::make_unique<grpc::ClientContext>();
    c->AddMetadata(
        "authorization",
        "Bearer " + issuer_.Mint(who, absl::Hours(24 * 365 * 3)).value_or("mint failed"));
    return c;
  }

  // renewal-reminder's clock runs ahead by `shift` (it reads the file within 100 ms); the
  // other services keep real time.
  void ShiftRenewalClock(absl::Duration shift) {
    {
      std::ofstream out(clock_shift_file_ + ".tmp", std::ios::trunc);
      out << absl::ToDoubleSeconds(shift) << "\n";
    }
    ASSERT_EQ(std::rename((clock_shift_file_ + ".tmp").c_str(), clock_shift_file_.c_str()), 0);
  }

  // The address of a service started by SetUp (lead-intake, ticket-dispatch, ...).
  std::string Target(const std::string& name) const {
    for (const auto& s : services_) {
      if (s.name == name) return "127.0.0.1:" + std::to_string(s.grpc_port);
    }
    return "";
  }
  // Events a service's consumer group has handled so far, from its /metrics (-1 if absent).
  int64_t ConsumerHandled(const std::string& name, const std::string& group) const {
    for (const auto& s : services_) {
      if (s.name != name) continue;
      std::string body;
      if (firstline::testing::HttpGetStatus(s.metrics_port, "/metrics", &body) != 200) return -1;
      std::istringstream lines(body);
      for (std::string line; std::getline(lines, line);) {
        if (line.rfind("firstline_consumer_handled_total{", 0) == 0 &&
            line.find("group=\"" + group + "\"") != std::string::npos) {
          return static_cast<int64_t>(std::stod(line.substr(line.rfind(' ') + 1)));
        }
      }
    }
    return -1;
  }
  const std::string& KafkaBootstrapFile() const { return broker_.bootstrap_file(); }
  const std::string& WorkDir() const { return broker_.dir(); }

  static inline const Principal kOperator{"op-1", PrincipalKind::kOperator, "vendor"};
  static inline const Principal kCallCentre{"cc-1", PrincipalKind::kCallCentre, "cc-shanghai"};

  std::unique_ptr<v1::LeadIntake::Stub> lead_intake_;
  std::unique_ptr<v1::PartnerOpportunities::Stub> partners_;
  std::unique_ptr<v1::TicketDesk::Stub> ticket_desk_;
  std::unique_ptr<v1::FieldEngineer::Stub> field_;
  std::unique_ptr<v1::Renewals::Stub> renewals_stub_;
  std::unique_ptr<v1::Attribution::Stub> attribution_stub_;

 private:
  size_t Start(const std::string& name, const std::string& binary, std::vector<std::string> flags) {
    Service s;
    s.name = name;
    s.grpc_port = firstline::testing::FreePort();
    s.metrics_port = firstline::testing::FreePort();
    s.log = broker_.dir() + "/" + name + ".log";
    std::vector<std::string> argv{firstline::testing::BinaryPath(binary),
                                  "--auth-secret",
                                  kSecret,
                                  "--redis-port",
                                  std::to_string(redis_.port()),
                                  "--kafka-bootstrap-file",
                                  broker_.bootstrap_file(),
                                  "--grpc-port",
                                  std::to_string(s.grpc_port),
                                  "--metrics-port",
                                  std::to_string(s.metrics_port)};
    argv.insert(argv.end(), flags.begin(), flags.end());
    s.process = std::make_unique<firstline::testing::ChildProcess>(argv, s.log);
    services_.push_back(std::move(s));
    return services_.size() - 1;
  }
  std::shared_ptr<grpc::Channel> Channel(size_t service) {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(services_[service].grpc_port),
                               grpc::InsecureChannelCredentials());
  }

  firstline::testing::DevBrokerProcess broker_;
  firstline::testing::RedisServer redis_;
  platform::TokenIssuer issuer_{kSecret, platform::SystemClock::Instance()};
  std::string clock_shift_file_;
  std::vector<Service> services_;
  size_t leads_ = 0, tickets_ = 0, renewals_ = 0, attribution_ = 0;
};

}  // namespace firstline::suite::testing
