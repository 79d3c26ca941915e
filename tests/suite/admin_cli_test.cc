// The operators' CLI against the running suite: roster, explain, reports as tables, at-risk
// accounts, tailing a topic as JSON; clear errors and exit codes (2 usage, 3 unreachable).
#include <unistd.h>

#include <sstream>

#include "platform/core/proto_time.h"
#include "suite/suite_fixture.h"

namespace firstline::suite::testing {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;
};

class AdminCliTest : public SuiteTest {
 protected:
  CliRun Cli(std::vector<std::string> args, bool targets = true,
             absl::Duration timeout = absl::Seconds(15)) {
    args.insert(args.begin(), firstline::testing::BinaryPath("services/admin/firstline"));
    if (targets) {
      for (const char* name :
           {"lead-intake", "ticket-dispatch", "renewal-reminder", "channel-attribution"}) {
        const std::string flag = std::string("--") + name;
        if (std::find(args.begin(), args.end(), flag) == args.end()) {
          args.push_back(flag);
          args.push_back(Target(name));
        }
      }
      args.push_back("--secret");
      args.push_back(kSecret);
    }
    const std::string log = WorkDir() + "/cli-" + std::to_string(++runs_) + ".txt";
    firstline::testing::ChildProcess p(args, log);
    WaitFor([&] { return !p.running(); }, timeout);
    CliRun out;
    out.exit_code = p.Stop(SIGKILL);
    out.output = ReadFile(log);
    return out;
  }
  std::vector<std::string> Period() {
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    return {"--from", absl::FormatCivilTime(today - 1), "--to", absl::FormatCivilTime(today + 2)};
  }
  std::vector<std::string> With(std::vector<std::string> head, std::vector<std::string> tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  }

 private:
  int runs_ = 0;
};

TEST_F(AdminCliTest, RosterExplainReportsAtRiskAndTail) {
  CliRun run = Cli({"rep", "upsert", "--id", "rep-cli", "--pools", "inside-sales,senior-sales",
                    "--capacity", "5"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("rep rep-cli is on the roster"), std::string::npos) << run.output;

  v1::SubmitLeadRequest lead;
  lead.set_idempotency_key("cli-lead-1");
  lead.mutable_source()->set_channel("wechat");
  lead.mutable_source()->set_campaign("mini-program");
  lead.mutable_contact()->set_phone("13900001111");
  lead.mutable_company()->set_name("Suzhou Tianyi Retail Co., Ltd.");
  lead.mutable_company()->set_region("CN-JS");
  lead.set_consent(true);
  v1::SubmitLeadResponse submitted;
  ASSERT_TRUE(lead_intake_->SubmitLead(As(kCallCentre).get(), lead, &submitted).ok());

  run = Cli({"explain", "lead", submitted.lead().lead_id()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("\"policy_version\""), std::string::npos) << run.output;
  run = Cli({"explain", "lead", "no-such-lead"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("explain lead: NOT_FOUND"), std::string::npos) << run.output;

  // The lead reaches channel-attribution over Kafka; the table then has its row.
  EXPECT_TRUE(WaitFor(
      [&] {
        run = Cli(With({"report", "channels", "--by", "channel"}, Period()));
        return run.exit_code == 0 && run.output.find("\nwechat") != std::string::npos;
      },
      absl::Seconds(30)))
      << run.output;
  EXPECT_NE(run.output.find("CAC"), std::string::npos) << run.output;
  run = Cli(With({"report", "compare", "--by", "channel"}, Period()));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* model : {"first_touch", "w_shaped", "time_decay", "markov"}) {
    EXPECT_NE(run.output.find(model), std::string::npos) << run.output;
  }

  run = Cli({"accounts", "at-risk"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("days to expiry"), std::string::npos) << run.output;

  run = Cli({"tail", "firstline.leads.v1", "--from-beginning", "--max", "1", "--seconds", "20",
             "--kafka-bootstrap-file", KafkaBootstrapFile()},
            /*targets=*/false, absl::Seconds(25));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("\"topic\":\"firstline.leads.v1\""), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("\"lead_received\""), std::string::npos) << run.output;

  run = Cli({"rep", "remove", "--id", "rep-cli"});
  EXPECT_EQ(run.exit_code, 0) << run.output;

  run = Cli({"engineer", "upsert", "--id", "eng-cli", "--pools", "field-engineers", "--skills",
             "erp,erp:v9"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  run = Cli({"engineer", "roster", "--date", "2026-12-01", "--shift", "eng-cli=09:00-18:00"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("1 engineer(s) rostered for 2026-12-01"), std::string::npos)
      << run.output;
  run = Cli({"engineer", "roster", "--date", "2026-12-01", "--shift", "eng-cli=9-18"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("'9-18' is not HH:MM-HH:MM"), std::string::npos) << run.output;
  run = Cli({"engineer", "roster", "--date", "2026-12-01", "--shift", "nobody=09:00-18:00"});
  EXPECT_EQ(run.exit_code, 1) << run.output;  // the service names the unknown engineer
}

TEST_F(AdminCliTest, BadInputAndUnreachableServicesGetClearErrors) {
  CliRun run = Cli({"report", "channels", "--from", "2026-13-01", "--to", "2026-12-01"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("--from '2026-13-01' is not a date"), std::string::npos) << run.output;
  run = Cli({"report", "channels", "--from", "2026-12-01", "--to", "2026-11-01"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("--to must come after --from"), std::string::npos) << run.output;
  run = Cli(With({"report", "channels", "--model", "magic"}, Period()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("--model 'magic' is unknown"), std::string::npos) << run.output;
  run = Cli({"tail", "firstline.nope.v1", "--kafka-bootstrap-file", KafkaBootstrapFile()},
            /*targets=*/false);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("topic 'firstline.nope.v1' is not one of"), std::string::npos)
      << run.output;
  run = Cli({"rep", "upsert", "--id", "x", "--pools", "p", "--secret", "short"},
            /*targets=*/false);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("at least 32 bytes"), std::string::npos) << run.output;
  run = Cli(With({"report", "channels", "--channel-attribution", "127.0.0.1:1", "--timeout", "2"},
                 Period()));
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.output.find("report channels: UNAVAILABLE"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace firstline::suite::testing
