// The operators' CLI as a process: exit codes and messages of `firstline policy ...`.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "support/process.h"

namespace firstline::admin {
namespace {

struct CliRun {
  int exit_code;
  std::string output;
};

CliRun Firstline(std::vector<std::string> args, const testing::TempDir& dir) {
  args.insert(args.begin(), testing::BinaryPath("services/admin/firstline"));
  std::string log = dir.path() + "/out.txt";
  std::remove(log.c_str());
  testing::ChildProcess p(args, log);
  int code = -1;
  for (int i = 0; i < 500 && p.running(); ++i) usleep(10000);
  code = p.Stop(SIGKILL);
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  return {code, ss.str()};
}

std::string Write(const testing::TempDir& dir, const std::string& name, const std::string& text) {
  std::string path = dir.path() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(PolicyCliTest, ShippedPolicyIsValid) {
  testing::TempDir dir;
  CliRun r = Firstline(
      {"policy", "check", std::string(FIRSTLINE_SOURCE_DIR) + "/deploy/policies/leads.yaml"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ok, version"), std::string::npos) << r.output;
}

TEST(PolicyCliTest, BadPolicyFailsNamingTheLine) {
  testing::TempDir dir;
  std::string bad = Write(
      dir, "bad.yaml", "version: x\nrules:\n  - name: a\n    targets:\n      - strategy: nope\n");
  CliRun r = Firstline({"policy", "check", bad}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("line 5: target.strategy"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("a default rule"), std::string::npos) << r.output;
}

TEST(PolicyCliTest, ReloadReplacesTheLiveFileOnlyWithAValidNewVersion) {
  testing::TempDir dir;
  auto policy = [](const std::string& version) {
    return "version: \"" + version +
           "\"\nrules:\n  - name: all\n    default: true\n    targets:\n"
           "      - {strategy: round_robin, pool: inside-sales}\n";
  };
  const std::string live = Write(dir, "live.yaml", policy("v1"));
  const std::string broken = Write(dir, "broken.yaml", "version: v2\nrules: []\n");
  CliRun r = Firstline({"policy", "reload", broken, live}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("nothing replaced"), std::string::npos) << r.output;
  EXPECT_EQ(testing::ReadFile(live), policy("v1"));
  const std::string same = Write(dir, "same.yaml", policy("v1"));
  r = Firstline({"policy", "reload", same, live}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("already holds version v1"), std::string::npos) << r.output;
  const std::string next = Write(dir, "next.yaml", policy("v2"));
  r = Firstline({"policy", "reload", next, live}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("now version v2"), std::string::npos) << r.output;
  EXPECT_EQ(testing::ReadFile(live), policy("v2"));
}

TEST(PolicyCliTest, DryRunShowsRuleTargetsCandidatesAndWhy) {
  testing::TempDir dir;
  std::string item = Write(dir, "item.json",
                           R"({"id":"l1","kind":"lead","account_id":"a1",
                               "attributes":{"value_tier":"VIP","region":"CN-ZJ"}})");
  std::string roster = Write(dir, "roster.json",
                             R"([{"id":"r1","organisation":"vendor","pools":["senior-sales"]},
                                 {"id":"r2","organisation":"vendor","pools":["inside-sales"]}])");
  CliRun r = Firstline(
      {"policy", "dry-run", std::string(FIRSTLINE_SOURCE_DIR) + "/deploy/policies/leads.yaml", item,
       "--roster", roster},
      dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"rule\": \"key-accounts\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"r2\": \"not in pool senior-sales\""), std::string::npos) << r.output;
  std::string bad_item = Write(dir, "bad.json", R"({"id":"","kind":"fax"})");
  CliRun bad =
      Firstline({"policy", "dry-run",
                 std::string(FIRSTLINE_SOURCE_DIR) + "/deploy/policies/leads.yaml", bad_item},
                dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("kind: must be lead or ticket"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace firstline::admin
