// The `attribution` scenario: a synthetic year of lead-to-customer journeys folded through
// channel-attribution's real code (envelope decode, InputOf, EventFolder over Redis), then
// report latency over that year from the running service.
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <atomic>
#include <ctime>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/load.h"
#include "bench/tokens.h"
#include "channel-attribution/attribution_desk.h"
#include "channel-attribution/event_intake.h"
#include "firstline/v1/attribution.grpc.pb.h"
#include "platform/core/proto_time.h"
#include "platform/events/envelope.h"

namespace firstline::bench {
namespace {

namespace fp = firstline::platform;
namespace fa = firstline::attribution;

constexpr int kBatch = 500;
const absl::Time kYearStart = absl::FromUnixSeconds(1'767'225'600);  // 2026-01-01

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

absl::StatusOr<double> RedisCpuSeconds(fp::RedisClient& client) {
  auto info = client.Command({"INFO", "cpu"});
  if (!info.ok()) return info.status();
  double total = 0;
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    double v = 0;
    if ((absl::ConsumePrefix(&line, "used_cpu_sys:") ||
         absl::ConsumePrefix(&line, "used_cpu_user:")) &&
        absl::SimpleAtod(line, &v)) {
      total += v;
    }
  }
  return total;
}

// The serialized events of lead `i`'s journey, in time order: 0-2 earlier touches, the lead,
// its acceptance, and for some a qualification, a partner registration and a contract.
std::vector<std::string> JourneyOf(int64_t i, int64_t leads, const fp::Clock& clock) {
  static const char* kChannels[] = {
      "baidu-sem", "seo",      "wechat",     "edm",         "exhibition",  "salon", "hotline",
      "content",   "referral", "telemarket", "douyin",      "zhihu",       "weibo", "ground",
      "webinar",   "360-sem",  "sogou-sem",  "partner-day", "direct-mail", "app"};
  const std::string account = absl::StrCat("bench-a", i);
  const absl::Time at =
      kYearStart + absl::Seconds(static_cast<double>(i) * 365 * 86400 / static_cast<double>(leads));
  std::vector<std::string> out;
  auto emit = [&](absl::Time when, const auto& fill) {
    v1::Envelope e = fp::NewEnvelope("bench", account, "", clock);
    *e.mutable_occurred_at() = fp::ToProtoTime(when);
    fill(e);
    if (fp::Seal(e).ok()) out.push_back(e.SerializeAsString());
  };
  const char* channel = kChannels[i % 20];
  const std::string campaign = absl::StrCat("c", i % 10);
  for (int t = 0; t < static_cast<int>(i % 3); ++t) {
    // Touches before a lead come from contacts in practice; as lead events they are merges.
    emit(at - absl::Hours(24 * (t + 1)), [&](v1::Envelope& e) {
      auto* m = e.mutable_lead_merged();
      m->set_account_id(account);
      m->set_lead_id("none");
      m->mutable_source()->set_channel(kChannels[(i + t + 3) % 20]);
      m->mutable_source()->set_campaign(absl::StrCat("c", (i + t) % 10));
    });
  }
  const std::string lead = absl::StrCat("bench-l", i);
  emit(at, [&](v1::Envelope& e) {
    auto* p = e.mutable_lead_received();
    p->set_lead_id(lead);
    p->set_account_id(account);
    p->mutable_source()->set_channel(channel);
    p->mutable_source()->set_campaign(campaign);
    p->mutable_source()->set_keyword(absl::StrCat("k", i % 5));
    p->mutable_company()->set_region(absl::StrCat("CN-", i % 30));
  });
  emit(at + absl::Seconds(20 + i % 600), [&](v1::Envelope& e) {
    auto* item = e.mutable_work_item_assigned()->mutable_item();
    item->set_kind(v1::WORK_ITEM_KIND_LEAD);
    item->set_item_id(lead);
    item->set_account_id(account);
  });
  if (i % 5 == 0) {
    emit(at + absl::Hours(48), [&](v1::Envelope& e) {
      auto* s = e.mutable_lead_status_changed();
      s->set_lead_id(lead);
      s->set_account_id(account);
      s->set_status(v1::LEAD_STATUS_QUALIFIED);
    });
  }
  if (i % 20 == 0) {
    emit(at + absl::Hours(72), [&](v1::Envelope& e) {
      auto* r = e.mutable_opportunity_registered();
      r->set_registration_id(absl::StrCat("bench-r", i));
      r->set_partner_id(absl::StrCat("p", i % 50));
      r->set_account_id(account);
      r->set_status(v1::REGISTRATION_STATUS_APPROVED);
    });
  }
  if (i % 12 == 0) {
    emit(at + absl::Hours(24 * 20), [&](v1::Envelope& e) {
      auto* terms = e.mutable_contract_signed()->mutable_terms();
      terms->set_contract_id(absl::StrCat("bench-c", i));
      terms->set_account_id(account);
      terms->mutable_annual_fee()->set_currency("CNY");
      terms->mutable_annual_fee()->set_minor_units(3'000'000 + (i % 7) * 500'000);
    });
  }
  return out;
}

template <typename Call>
LatencyFigures Reports(int threads, absl::Duration duration, Call call) {
  return ClosedLoop(threads, duration, [&](int64_t) { return call(); });
}

}  // namespace

absl::StatusOr<AttributionFigures> AttributionLoad(int redis_port, int64_t leads, int threads,
                                                   const std::string& target,
                                                   const std::string& secret,
                                                   absl::Duration report_for) {
  fp::RedisConfig redis;
  redis.port = redis_port;
  redis.pool_size = threads + 2;
  fp::RedisClient client(redis);
  fp::FakeClock clock(kYearStart + absl::Hours(24 * 400));
  fa::AttributionSettings settings;
  fa::AttributionStore store(client);
  fa::EventFolder folder(store, settings, clock, "bench");

  AttributionFigures f;
  f.leads = leads;
  auto redis_before = RedisCpuSeconds(client);
  if (!redis_before.ok()) return redis_before.status();
  std::atomic<int64_t> events{0};
  std::atomic<int64_t> cpu_ns{0};
  // Each thread folds its own slice of leads in time order, a batch at a time; generating the
  // events is not counted in the CPU figure, decoding them is.
  const int64_t chunk = (leads + threads - 1) / threads;
  const absl::Time t0 = absl::Now();
  auto st = ParallelFor(0, threads, threads, [&](int64_t t) -> absl::Status {
    std::vector<std::string> wire;
    const int64_t end = std::min(leads, (t + 1) * chunk);
    for (int64_t i = t * chunk; i < end;) {
      wire.clear();
      while (i < end && wire.size() < kBatch) {
        auto journey = JourneyOf(i++, leads, clock);
        wire.insert(wire.end(), journey.begin(), journey.end());
      }
      const double cpu0 = ThreadCpuSeconds();
      std::vector<fa::FoldInput> inputs;
      inputs.reserve(wire.size());
      for (const auto& bytes : wire) {
        v1::Envelope e;
        if (!e.ParseFromString(bytes)) return absl::InternalError("bench event does not decode");
        auto in = fa::InputOf(e, settings);
        if (!in.ok()) return in.status();
        if (in->has_value()) inputs.push_back(std::move(**in));
      }
      auto folded = folder.Fold(inputs);
      if (!folded.ok()) return folded.status();
      cpu_ns.fetch_add(static_cast<int64_t>((ThreadCpuSeconds() - cpu0) * 1e9));
      events.fetch_add(static_cast<int64_t>(wire.size()));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  const double wall = absl::ToDoubleSeconds(absl::Now() - t0);
  auto redis_after = RedisCpuSeconds(client);
  if (!redis_after.ok()) return redis_after.status();
  f.events = events.load();
  f.events_per_second = static_cast<double>(f.events) / wall;
  f.events_per_core_second = static_cast<double>(f.events) / (static_cast<double>(cpu_ns) / 1e9);
  f.redis_cpu_us_per_event = (*redis_after - *redis_before) * 1e6 / static_cast<double>(f.events);
  f.events_per_core_second_with_redis =
      static_cast<double>(f.events) /
      (static_cast<double>(cpu_ns) / 1e9 + (*redis_after - *redis_before));

  // Reports over the year just folded, through the running service (--seconds 0: folding
  // alone, for comparing changes to it).
  if (report_for <= absl::ZeroDuration()) return f;
  auto stub =
      v1::Attribution::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  Tokens tokens(secret);
  const std::string bearer = tokens.For({"bench-ops", fp::PrincipalKind::kOperator, "vendor"});
  v1::Period year;
  *year.mutable_start() = fp::ToProtoTime(kYearStart);
  *year.mutable_end() = fp::ToProtoTime(kYearStart + absl::Hours(24 * 365));
  auto report = [&](v1::AttributionModel model, v1::ReportGrouping grouping) {
    return [&, model, grouping] {
      v1::GetChannelReportRequest r;
      *r.mutable_period() = year;
      r.set_model(model);
      r.set_group_by(grouping);
      v1::GetChannelReportResponse out;
      grpc::ClientContext c;
      c.AddMetadata("authorization", bearer);
      return stub->GetChannelReport(&c, r, &out).ok() && out.rows_size() > 0;
    };
  };
  f.report_channel =
      Reports(2, report_for, report(v1::ATTRIBUTION_MODEL_LINEAR, v1::REPORT_GROUPING_CHANNEL));
  f.report_keyword =
      Reports(2, report_for, report(v1::ATTRIBUTION_MODEL_U_SHAPED, v1::REPORT_GROUPING_KEYWORD));
  f.report_markov =
      Reports(2, report_for, report(v1::ATTRIBUTION_MODEL_MARKOV, v1::REPORT_GROUPING_CHANNEL));
  f.compare = Reports(2, report_for, [&] {
    v1::CompareModelsRequest r;
    *r.mutable_period() = year;
    v1::CompareModelsResponse out;
    grpc::ClientContext c;
    c.AddMetadata("authorization", bearer);
    return stub->CompareModels(&c, r, &out).ok() && out.models_size() == 8;
  });
  for (const auto* l : {&f.report_channel, &f.report_keyword, &f.report_markov, &f.compare}) {
    if (l->count == 0) return absl::InternalError("attribution: no report call succeeded");
  }
  return f;
}

}  // namespace firstline::bench
