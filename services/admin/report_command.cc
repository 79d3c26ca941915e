#include "admin/report_command.h"

#include <cstdio>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "admin/suite_client.h"
#include "admin/text_table.h"
#include "firstline/v1/attribution.grpc.pb.h"
#include "firstline/v1/renewals.grpc.pb.h"
#include "platform/core/proto_time.h"

namespace firstline::admin {
namespace {

struct ReportOptions {
  SuiteTargets targets;
  std::string from, to;  // YYYY-MM-DD, UTC, `to` exclusive
  std::string model = "w_shaped";
  std::string by = "channel";
  int limit = 50;
};

// Reads the period; false (with the reason printed) when a date is not YYYY-MM-DD or the
// period ends before it starts.
bool Period(const std::string& command, const ReportOptions& o, v1::Period* out) {
  absl::Time start, end;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d", o.from, absl::UTCTimeZone(), &start, &err)) {
    std::fprintf(stderr, "%s: --from '%s' is not a date (YYYY-MM-DD)\n", command.c_str(),
                 o.from.c_str());
    return false;
  }
  if (!absl::ParseTime("%Y-%m-%d", o.to, absl::UTCTimeZone(), &end, &err)) {
    std::fprintf(stderr, "%s: --to '%s' is not a date (YYYY-MM-DD)\n", command.c_str(),
                 o.to.c_str());
    return false;
  }
  if (end <= start) {
    std::fprintf(stderr, "%s: --to must come after --from\n", command.c_str());
    return false;
  }
  *out->mutable_start() = platform::ToProtoTime(start);
  *out->mutable_end() = platform::ToProtoTime(end);
  return true;
}

template <typename Enum>
bool Named(const std::string& command, const char* flag, const std::string& value,
           const std::string& prefix, bool (*parse)(const std::string&, Enum*), Enum* out) {
  if (parse(prefix + absl::AsciiStrToUpper(value), out) && static_cast<int>(*out) != 0) {
    return true;
  }
  std::fprintf(stderr, "%s: %s '%s' is unknown\n", command.c_str(), flag, value.c_str());
  return false;
}

std::string Money(const v1::Money& m) {
  return m.currency().empty() ? "-" : Amount(m.minor_units());
}

void AddPeriodOptions(CLI::App* c, ReportOptions& o) {
  AddTargetOptions(*c, o.targets);
  c->add_option("--from", o.from, "first day, YYYY-MM-DD (UTC)")->required();
  c->add_option("--to", o.to, "day after the last, YYYY-MM-DD (UTC)")->required();
  c->add_option("--by", o.by, "channel, campaign, keyword, partner or region")
      ->capture_default_str();
}

}  // namespace

void AddReportCommands(CLI::App& app, int& exit_code) {
  auto* report = app.add_subcommand("report", "channel-attribution reports as tables");
  report->require_subcommand(1);

  auto channels_opts = std::make_shared<ReportOptions>();
  auto* channels = report->add_subcommand("channels", "GetChannelReport: one row per group");
  AddPeriodOptions(channels, *channels_opts);
  channels
      ->add_option("--model", channels_opts->model,
                   "first_touch, last_touch, linear, u_shaped, w_shaped, full_path, "
                   "time_decay or markov")
      ->capture_default_str();
  channels->callback([o = channels_opts, &exit_code] {
    const std::string cmd = "report channels";
    v1::GetChannelReportRequest r;
    v1::AttributionModel model{};
    v1::ReportGrouping grouping{};
    if (!Period(cmd, *o, r.mutable_period()) ||
        !Named(cmd, "--model", o->model, "ATTRIBUTION_MODEL_", &v1::AttributionModel_Parse,
               &model) ||
        !Named(cmd, "--by", o->by, "REPORT_GROUPING_", &v1::ReportGrouping_Parse, &grouping)) {
      exit_code = 2;
      return;
    }
    r.set_model(model);
    r.set_group_by(grouping);
    v1::GetChannelReportResponse out;
    auto stub = v1::Attribution::NewStub(ChannelTo(o->targets.channel_attribution));
    grpc::Status st = stub->GetChannelReport(OperatorContext(o->targets).get(), r, &out);
    if (!st.ok()) {
      exit_code = Failed(cmd, st);
      return;
    }
    TextTable table({o->by, "leads", "accepted", "won", "attributed", "new business", "renewal",
                     "spend", "CPL", "CAC", "ROI", "lead→customer"});
    for (const auto& row : out.rows()) {
      table.Add({row.group() + (row.unknown() ? " (unknown)" : ""), absl::StrCat(row.leads()),
                 absl::StrCat(row.accepted_leads()), absl::StrCat(row.customers_won()),
                 absl::StrFormat("%.2f", row.attributed_conversions()),
                 Money(row.new_business_revenue()), Money(row.renewal_revenue()),
                 Money(row.spend()), Money(row.cost_per_lead()), Money(row.cac()),
                 absl::StrFormat("%.2f", row.roi()),
                 absl::StrFormat("%.1f%%", 100 * row.lead_to_customer_rate())});
    }
    std::printf("%s", table.Render().c_str());
  });

  auto compare_opts = std::make_shared<ReportOptions>();
  auto* compare =
      report->add_subcommand("compare", "CompareModels: attributed conversions per model");
  AddPeriodOptions(compare, *compare_opts);
  compare->callback([o = compare_opts, &exit_code] {
    const std::string cmd = "report compare";
    v1::CompareModelsRequest r;
    v1::ReportGrouping grouping{};
    if (!Period(cmd, *o, r.mutable_period()) ||
        !Named(cmd, "--by", o->by, "REPORT_GROUPING_", &v1::ReportGrouping_Parse, &grouping)) {
      exit_code = 2;
      return;
    }
    r.set_group_by(grouping);
    v1::CompareModelsResponse out;
    auto stub = v1::Attribution::NewStub(ChannelTo(o->targets.channel_attribution));
    grpc::Status st = stub->CompareModels(OperatorContext(o->targets).get(), r, &out);
    if (!st.ok()) {
      exit_code = Failed(cmd, st);
      return;
    }
    std::vector<std::string> header{o->by};
    std::map<std::string, std::vector<std::string>> rows;
    for (int m = 0; m < out.models_size(); ++m) {
      const auto& model = out.models(m);
      header.push_back(absl::AsciiStrToLower(
          absl::StripPrefix(v1::AttributionModel_Name(model.model()), "ATTRIBUTION_MODEL_")));
      for (const auto& row : model.rows()) {
        auto& cells = rows[row.group()];
        cells.resize(out.models_size(), "0.00");
        cells[m] = absl::StrFormat("%.2f", row.attributed_conversions());
      }
    }
    TextTable table(header);
    for (auto& [group, cells] : rows) {
      cells.insert(cells.begin(), group);
      table.Add(std::move(cells));
    }
    std::printf("%s", table.Render().c_str());
  });

  auto* accounts = app.add_subcommand("accounts", "renewal-reminder's accounts");
  accounts->require_subcommand(1);
  auto risk_opts = std::make_shared<ReportOptions>();
  auto* at_risk = accounts->add_subcommand("at-risk", "ListAtRiskAccounts: red accounts");
  AddTargetOptions(*at_risk, risk_opts->targets);
  at_risk->add_option("--limit", risk_opts->limit, "accounts at most")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  at_risk->callback([o = risk_opts, &exit_code] {
    v1::ListAtRiskAccountsRequest r;
    r.set_page_size(o->limit);
    v1::ListAtRiskAccountsResponse out;
    auto stub = v1::Renewals::NewStub(ChannelTo(o->targets.renewal_reminder));
    grpc::Status st = stub->ListAtRiskAccounts(OperatorContext(o->targets).get(), r, &out);
    if (!st.ok()) {
      exit_code = Failed("accounts at-risk", st);
      return;
    }
    TextTable table(
        {"account", "score", "tickets 90d", "SLA breaches", "satisfaction", "days to expiry"});
    for (const auto& a : out.accounts()) {
      table.Add({a.account_id(), absl::StrCat(a.score()), absl::StrCat(a.tickets_90d()),
                 absl::StrCat(a.sla_breaches_90d()),
                 absl::StrFormat("%.1f", a.satisfaction_average()),
                 absl::StrCat(a.days_to_expiry())});
    }
    std::printf("%s", table.Render().c_str());
  });
}

}  // namespace firstline::admin
