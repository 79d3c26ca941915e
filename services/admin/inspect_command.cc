#include "admin/inspect_command.h"

#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "admin/suite_client.h"
#include "firstline/v1/events.pb.h"
#include "firstline/v1/lead_intake.grpc.pb.h"
#include "firstline/v1/ticket_dispatch.grpc.pb.h"
#include "platform/core/shutdown_signals.h"
#include "platform/kafka/event_consumer.h"
#include "platform/kafka/event_producer.h"
#include "platform/kafka/topics.h"

namespace firstline::admin {
namespace {

struct ExplainOptions {
  SuiteTargets targets;
  std::string id;
};

struct TailOptions {
  std::string topic;
  platform::KafkaConfig kafka;
  bool from_beginning = false;
  int max_events = 0;
  int seconds = 0;
};

void PrintReceipts(const google::protobuf::RepeatedPtrField<std::string>& receipts) {
  for (const auto& r : receipts) std::printf("%s\n", r.c_str());
}

// One line of `tail`: where the event was and the envelope as JSON.
std::string EventLine(const platform::ConsumedMessage& m) {
  v1::Envelope e;
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!e.ParseFromString(m.value) ||
      !google::protobuf::util::MessageToJsonString(e, &json, options).ok()) {
    json = absl::StrCat("{\"undecodable_bytes\":", m.value.size(), "}");
  }
  return absl::StrCat("{\"topic\":\"", m.topic, "\",\"partition\":", m.partition,
                      ",\"offset\":", m.offset, ",\"event\":", json, "}");
}

int Tail(const TailOptions& o) {
  bool known = false;
  for (auto t : platform::topics::kAll) known = known || t == o.topic;
  if (!known) {
    std::string names;
    for (auto t : platform::topics::kAll)
      absl::StrAppend(&names, names.empty() ? "" : ", ", absl::string_view(t.data(), t.size()));
    std::fprintf(stderr, "tail: topic '%s' is not one of %s\n", o.topic.c_str(), names.c_str());
    return 2;
  }
  platform::KafkaConfig kafka = o.kafka;
  kafka.client_id = "firstline-tail";
  kafka.properties["auto.offset.reset"] = o.from_beginning ? "earliest" : "latest";
  kafka.properties["enable.auto.commit"] = "false";
  platform::ConsumerConfig config;
  // A group of its own: tailing never takes messages from the services' groups.
  config.group_id = absl::StrCat("firstline-tail-", getpid(), "-", absl::ToUnixMillis(absl::Now()));
  config.topics = {o.topic};
  std::atomic<int> printed{0};
  std::mutex out;
  // The consumer insists on somewhere to dead-letter; tailing never rejects a message.
  auto dead_letters = platform::EventProducer::Create(kafka);
  if (!dead_letters.ok()) {
    std::fprintf(stderr, "tail: %s\n", std::string(dead_letters.status().message()).c_str());
    return 3;
  }
  auto consumer = platform::EventConsumer::Create(
      kafka, config, dead_letters->get(), [&](const platform::ConsumedMessage& m) -> absl::Status {
        if (o.max_events > 0 && printed.load() >= o.max_events) return absl::OkStatus();
        std::lock_guard lock(out);
        std::printf("%s\n", EventLine(m).c_str());
        std::fflush(stdout);
        ++printed;
        return absl::OkStatus();
      });
  if (!consumer.ok()) {
    std::fprintf(stderr, "tail: %s\n", std::string(consumer.status().message()).c_str());
    return 3;
  }
  const sigset_t signals = platform::BlockShutdownSignals();
  (*consumer)->Start();
  const absl::Time until =
      o.seconds > 0 ? absl::Now() + absl::Seconds(o.seconds) : absl::InfiniteFuture();
  while (absl::Now() < until && (o.max_events == 0 || printed.load() < o.max_events)) {
    timespec tick{0, 100'000'000};
    if (sigtimedwait(&signals, nullptr, &tick) > 0) break;
  }
  (*consumer)->Stop();
  return 0;
}

}  // namespace

void AddInspectCommands(CLI::App& app, int& exit_code) {
  auto* explain = app.add_subcommand("explain", "decision receipts of a routed lead or ticket");
  explain->require_subcommand(1);
  auto lead_opts = std::make_shared<ExplainOptions>();
  auto* lead = explain->add_subcommand("lead", "lead-intake ExplainAssignment");
  AddTargetOptions(*lead, lead_opts->targets);
  lead->add_option("id", lead_opts->id, "lead id")->required();
  lead->callback([o = lead_opts, &exit_code] {
    v1::ExplainAssignmentRequest r;
    r.set_lead_id(o->id);
    v1::ExplainAssignmentResponse out;
    auto stub = v1::LeadIntake::NewStub(ChannelTo(o->targets.lead_intake));
    grpc::Status st = stub->ExplainAssignment(OperatorContext(o->targets).get(), r, &out);
    if (!st.ok()) {
      exit_code = Failed("explain lead", st);
      return;
    }
    PrintReceipts(out.receipts_json());
  });
  auto ticket_opts = std::make_shared<ExplainOptions>();
  auto* ticket = explain->add_subcommand("ticket", "ticket-dispatch ExplainAssignment");
  AddTargetOptions(*ticket, ticket_opts->targets);
  ticket->add_option("id", ticket_opts->id, "ticket id")->required();
  ticket->callback([o = ticket_opts, &exit_code] {
    v1::TicketDeskExplainAssignmentRequest r;
    r.set_ticket_id(o->id);
    v1::TicketDeskExplainAssignmentResponse out;
    auto stub = v1::TicketDesk::NewStub(ChannelTo(o->targets.ticket_dispatch));
    grpc::Status st = stub->ExplainAssignment(OperatorContext(o->targets).get(), r, &out);
    if (!st.ok()) {
      exit_code = Failed("explain ticket", st);
      return;
    }
    PrintReceipts(out.receipts_json());
  });

  auto tail_opts = std::make_shared<TailOptions>();
  auto* tail = app.add_subcommand("tail", "print a topic's events as JSON, one per line");
  tail->add_option("topic", tail_opts->topic, "e.g. firstline.leads.v1")->required();
  tail->add_option("--kafka-bootstrap", tail_opts->kafka.bootstrap_servers,
                   "Kafka bootstrap servers")
      ->envname("FIRSTLINE_KAFKA_BOOTSTRAP");
  tail->add_option("--kafka-bootstrap-file", tail_opts->kafka.bootstrap_file,
                   "file holding them (the dev broker writes .run/kafka.bootstrap)")
      ->envname("FIRSTLINE_KAFKA_BOOTSTRAP_FILE");
  tail->add_flag("--from-beginning", tail_opts->from_beginning,
                 "start at the oldest retained event (default: only new ones)");
  tail->add_option("--max", tail_opts->max_events, "stop after this many events (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  tail->add_option("--seconds", tail_opts->seconds, "stop after this long (0: until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  tail->callback([o = tail_opts, &exit_code] {
    if (o->kafka.bootstrap_servers.empty() && o->kafka.bootstrap_file.empty()) {
      std::fprintf(stderr, "tail: set --kafka-bootstrap or --kafka-bootstrap-file\n");
      exit_code = 2;
      return;
    }
    exit_code = Tail(*o);
  });
}

}  // namespace firstline::admin
