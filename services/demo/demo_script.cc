#include "demo/demo_script.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "firstline/v1/attribution.pb.h"
#include "firstline/v1/ticket_dispatch.pb.h"

namespace firstline::demo {
namespace {

constexpr const char* kCities[] = {"Hangzhou", "Ningbo", "Suzhou", "Wuxi",  "Nanjing",
                                   "Hefei",    "Xiamen", "Fuzhou", "Jinan", "Qingdao"};
constexpr const char* kRegions[] = {"CN-ZJ", "CN-ZJ", "CN-JS", "CN-JS", "CN-JS",
                                    "CN-AH", "CN-FJ", "CN-FJ", "CN-SD", "CN-SD"};
constexpr const char* kTrades[] = {"Harbour Trading", "Lianhua Foods",    "Tianyi Retail",
                                   "Hengda Textiles", "Xinghe Logistics", "Jinlong Machinery",
                                   "Meida Pharmacy",  "Baifu Furniture"};
constexpr const char* kNames[] = {"Chen Jie", "Li Na",    "Wang Fang", "Zhang Wei",
                                  "Liu Yang", "Zhao Lei", "Sun Li",    "Zhou Min"};
constexpr const char* kLines[] = {"erp", "pos", "chain-retail"};
constexpr int kCompanies = static_cast<int>(std::size(kCities) * std::size(kTrades));

}  // namespace

const std::vector<DemoChannel>& DemoChannels() {
  static const std::vector<DemoChannel> channels = {
      {"baidu-sem", "erp-autumn", "erp software", v1::CHANNEL_KIND_ONLINE, 0.30, 800'000},
      {"wechat", "mini-program", "", v1::CHANNEL_KIND_ONLINE, 0.20, 300'000},
      {"exhibition", "cbme-2026", "", v1::CHANNEL_KIND_OFFLINE, 0.15, 1'500'000},
      {"hotline-400", "inbound", "", v1::CHANNEL_KIND_OFFLINE, 0.15, 100'000},
      {"referral", "customer-referral", "", v1::CHANNEL_KIND_REFERRAL, 0.10, 50'000},
      {"website", "free-trial", "cloud erp", v1::CHANNEL_KIND_ONLINE, 0.10, 200'000},
  };
  return channels;
}

DemoScript::DemoScript(uint32_t seed, double repeat_share)
    : rng_(seed), repeat_share_(repeat_share), next_phone_(seed % 100'000) {}

bool DemoScript::Chance(double probability) {
  return std::uniform_real_distribution<double>(0, 1)(rng_) < probability;
}

int DemoScript::Between(int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng_);
}

DemoScript::Company DemoScript::AnyCompany() {
  const int n = Between(0, kCompanies - 1);
  const int city = n % static_cast<int>(std::size(kCities));
  const int trade = n / static_cast<int>(std::size(kCities));
  return {absl::StrCat(kCities[city], " ", kTrades[trade], " Co., Ltd."), kRegions[city]};
}

int DemoScript::Severity() {
  const double x = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (x < 0.10) return v1::SEVERITY_P1;
  if (x < 0.35) return v1::SEVERITY_P2;
  if (x < 0.80) return v1::SEVERITY_P3;
  return v1::SEVERITY_P4;
}

DemoInquiry DemoScript::NextInquiry() {
  if (!recent_.empty() && Chance(repeat_share_)) {
    DemoInquiry again = recent_[Between(0, static_cast<int>(recent_.size()) - 1)];
    again.repeat = true;
    return again;
  }
  DemoInquiry in;
  const auto& channels = DemoChannels();
  double x = std::uniform_real_distribution<double>(0, 1)(rng_);
  in.channel = &channels.back();
  for (const auto& c : channels) {
    if (x < c.share) {
      in.channel = &c;
      break;
    }
    x -= c.share;
  }
  const int64_t n = next_phone_++;
  in.phone = absl::StrFormat("139 %04d %04d", (n / 10'000) % 10'000, n % 10'000);
  in.contact_name = kNames[Between(0, std::size(kNames) - 1)];
  Company company = AnyCompany();
  in.company = std::move(company.name);
  in.region = std::move(company.region);
  in.product_line = kLines[Between(0, std::size(kLines) - 1)];
  recent_.push_back(in);
  if (recent_.size() > 200) recent_.pop_front();
  return in;
}

}  // namespace firstline::demo
