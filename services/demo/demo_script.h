#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace firstline::demo {

// A channel of the simulated marketing mix: how often leads come through it and what a day of
// it costs (minor units, CNY).
struct DemoChannel {
  const char* channel;
  const char* campaign;
  const char* keyword;
  int kind;  // v1::ChannelKind
  double share;
  int64_t daily_spend_minor;
};
const std::vector<DemoChannel>& DemoChannels();

// One inquiry as a call centre would push it.
struct DemoInquiry {
  const DemoChannel* channel = nullptr;
  std::string phone;  // local format, as callers give it ("138 0571 2345")
  std::string contact_name;
  std::string company;
  std::string region;
  std::string product_line;
  bool repeat = false;  // the same caller again (lead-intake should merge it)
};

// Draws realistic demo traffic: companies from a fixed pool, channels by their share, and a
// share of repeat callers. Deterministic for a seed; not thread-safe (one per actor).
class DemoScript {
 public:
  explicit DemoScript(uint32_t seed, double repeat_share = 0.1);

  DemoInquiry NextInquiry();
  struct Company {
    std::string name;    // "Ningbo Harbour Trading Co., Ltd."
    std::string region;  // its province, e.g. "CN-ZJ"
  };
  Company AnyCompany();  // one of the pool's companies
  int Severity();        // v1::Severity, P1 10 %, P2 25 %, P3 45 %, P4 20 %
  bool Chance(double probability);
  int Between(int low, int high);  // inclusive

 private:
  std::mt19937 rng_;
  double repeat_share_;
  std::deque<DemoInquiry> recent_;  // callers who may call again
  int64_t next_phone_ = 0;
};

}  // namespace firstline::demo
