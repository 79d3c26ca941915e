#include "admin/roster_command.h"

#include <cstdio>

#include "absl/strings/str_split.h"
#include "admin/suite_client.h"
#include "firstline/v1/lead_intake.grpc.pb.h"
#include "firstline/v1/ticket_dispatch.grpc.pb.h"

namespace firstline::admin {
namespace {

struct WorkerOptions {
  SuiteTargets targets;
  std::string id;
  std::string organisation = "vendor";
  std::vector<std::string> pools, skills, regions;
  int capacity = 10;
  int daily_cap = 100;
  int weight = 1;
  std::string time_zone = "Asia/Shanghai";
};

void AddWorkerOptions(CLI::App* c, WorkerOptions& o) {
  AddTargetOptions(*c, o.targets);
  c->add_option("--id", o.id, "worker id")->required();
  c->add_option("--org", o.organisation, "organisation")->capture_default_str();
  c->add_option("--pools", o.pools, "pools, comma-separated")->delimiter(',')->required();
  c->add_option("--skills", o.skills, "skills, comma-separated")->delimiter(',');
  c->add_option("--regions", o.regions, "regions, comma-separated (none: any)")->delimiter(',');
  c->add_option("--capacity", o.capacity, "open items at most")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  c->add_option("--daily-cap", o.daily_cap, "assignments per day at most")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  c->add_option("--weight", o.weight, "weighted round robin weight")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c->add_option("--time-zone", o.time_zone, "IANA time zone of the shifts")->capture_default_str();
}

template <typename Worker>
void Fill(const WorkerOptions& o, Worker* w) {
  for (const auto& p : o.pools) w->add_pools(p);
  for (const auto& s : o.skills) w->add_skills(s);
  for (const auto& r : o.regions) w->add_regions(r);
  w->set_organisation_id(o.organisation);
  w->set_capacity(o.capacity);
  w->set_daily_cap(o.daily_cap);
  w->set_weight(o.weight);
  w->set_time_zone(o.time_zone);
}

struct RosterOptions {
  SuiteTargets targets;
  std::string date;
  std::vector<std::string> shifts;  // "eng-1=09:00-18:00", "eng-2=off"
};

// "eng-1=09:00-12:00,13:00-18:00" or "eng-1=off"; false with the reason printed otherwise.
bool ParseShift(const std::string& text, v1::RosterEntry* entry) {
  std::vector<std::string> parts = absl::StrSplit(text, absl::MaxSplits('=', 1));
  if (parts.size() != 2 || parts[0].empty()) {
    std::fprintf(stderr,
                 "engineer roster: --shift '%s' is not ENGINEER=HH:MM-HH:MM[,…] or "
                 "ENGINEER=off\n",
                 text.c_str());
    return false;
  }
  entry->set_engineer_id(parts[0]);
  if (parts[1] == "off") return true;
  for (absl::string_view span : absl::StrSplit(parts[1], ',')) {
    std::vector<std::string> ends = absl::StrSplit(span, '-');
    if (ends.size() != 2 || ends[0].size() != 5 || ends[1].size() != 5) {
      std::fprintf(stderr, "engineer roster: --shift '%s': '%s' is not HH:MM-HH:MM\n", text.c_str(),
                   std::string(span).c_str());
      return false;
    }
    auto* s = entry->add_spans();
    s->set_start(ends[0]);
    s->set_end(ends[1]);
  }
  return true;
}

}  // namespace

void AddRosterCommands(CLI::App& app, int& exit_code) {
  auto* rep = app.add_subcommand("rep", "sales reps on lead-intake's roster");
  rep->require_subcommand(1);
  auto rep_opts = std::make_shared<WorkerOptions>();
  auto* rep_upsert = rep->add_subcommand("upsert", "add a rep or replace its settings");
  AddWorkerOptions(rep_upsert, *rep_opts);
  rep_upsert->callback([o = rep_opts, &exit_code] {
    v1::UpsertRepRequest r;
    r.mutable_rep()->set_rep_id(o->id);
    Fill(*o, r.mutable_rep());
    v1::UpsertRepResponse out;
    auto stub = v1::LeadIntake::NewStub(ChannelTo(o->targets.lead_intake));
    grpc::Status st = stub->UpsertRep(OperatorContext(o->targets).get(), r, &out);
    if (!st.ok()) {
      exit_code = Failed("rep upsert", st);
      return;
    }
    std::printf("rep %s is on the roster\n", o->id.c_str());
  });
  auto rep_remove_opts = std::make_shared<WorkerOptions>();
  auto* rep_remove = rep->add_subcommand("remove", "take a rep off the roster");
  AddTargetOptions(*rep_remove, rep_remove_opts->targets);
  rep_remove->add_option("--id", rep_remove_opts->id, "rep id")->required();
  rep_remove->callback([o = rep_remove_opts, &exit_code] {
    v1::RemoveRepRequest r;
    r.set_rep_id(o->id);
    v1::RemoveRepResponse out;
    auto stub = v1::LeadIntake::NewStub(ChannelTo(o->targets.lead_intake));
    grpc::Status st = stub->RemoveRep(OperatorContext(o->targets).get(), r, &out);
    if (!st.ok()) {
      exit_code = Failed("rep remove", st);
      return;
    }
    std::printf("rep %s is off the roster\n", o->id.c_str());
  });

  auto* engineer = app.add_subcommand("engineer", "engineers on ticket-dispatch's roster");
  engineer->require_subcommand(1);
  auto eng_opts = std::make_shared<WorkerOptions>();
  auto* eng_upsert = engineer->add_subcommand("upsert", "add an engineer or replace its settings");
  AddWorkerOptions(eng_upsert, *eng_opts);
  eng_upsert->callback([o = eng_opts, &exit_code] {
    v1::UpsertEngineerRequest r;
    r.mutable_engineer()->set_engineer_id(o->id);
    Fill(*o, r.mutable_engineer());
    v1::UpsertEngineerResponse out;
    auto stub = v1::FieldEngineer::NewStub(ChannelTo(o->targets.ticket_dispatch));
    grpc::Status st = stub->UpsertEngineer(OperatorContext(o->targets).get(), r, &out);
    if (!st.ok()) {
      exit_code = Failed("engineer upsert", st);
      return;
    }
    std::printf("engineer %s is on the roster\n", o->id.c_str());
  });
  auto roster_opts = std::make_shared<RosterOptions>();
  auto* roster = engineer->add_subcommand("roster", "SetShiftRoster: who is on duty on a day");
  AddTargetOptions(*roster, roster_opts->targets);
  roster->add_option("--date", roster_opts->date, "the day, YYYY-MM-DD")->required();
  roster
      ->add_option("--shift", roster_opts->shifts,
                   "ENGINEER=HH:MM-HH:MM[,HH:MM-HH:MM] or ENGINEER=off; repeat per engineer")
      ->required();
  roster->callback([o = roster_opts, &exit_code] {
    v1::SetShiftRosterRequest r;
    r.set_date(o->date);
    for (const auto& shift : o->shifts) {
      if (!ParseShift(shift, r.add_entries())) {
        exit_code = 2;
        return;
      }
    }
    v1::SetShiftRosterResponse out;
    auto stub = v1::FieldEngineer::NewStub(ChannelTo(o->targets.ticket_dispatch));
    grpc::Status st = stub->SetShiftRoster(OperatorContext(o->targets).get(), r, &out);
    if (!st.ok()) {
      exit_code = Failed("engineer roster", st);
      return;
    }
    std::printf("%d engineer(s) rostered for %s\n", out.engineers_updated(), o->date.c_str());
  });
  auto eng_remove_opts = std::make_shared<WorkerOptions>();
  auto* eng_remove = engineer->add_subcommand("remove", "take an engineer off the roster");
  AddTargetOptions(*eng_remove, eng_remove_opts->targets);
  eng_remove->add_option("--id", eng_remove_opts->id, "engineer id")->required();
  eng_remove->callback([o = eng_remove_opts, &exit_code] {
    v1::RemoveEngineerRequest r;
    r.set_engineer_id(o->id);
    v1::RemoveEngineerResponse out;
    auto stub = v1::FieldEngineer::NewStub(ChannelTo(o->targets.ticket_dispatch));
    grpc::Status st = stub->RemoveEngineer(OperatorContext(o->targets).get(), r, &out);
    if (!st.ok()) {
      exit_code = Failed("engineer remove", st);
      return;
    }
    std::printf("engineer %s is off the roster\n", o->id.c_str());
  });
}

}  // namespace firstline::admin
