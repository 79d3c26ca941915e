#include "support/service_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "platform/auth/tokens.h"

namespace firstline::testing {

platform::RuntimeConfig TestRuntimeConfig(const std::string& service, const RedisServer& redis,
                                          const MockKafka& kafka) {
  platform::RuntimeConfig config;
  config.service_name = service;
  config.auth_secret = kTestSecret;
  config.grpc.address = "127.0.0.1";
  config.http_address = "127.0.0.1";
  config.redis = redis.Config();
  config.kafka = kafka.Config();
  config.outbox_shards = 1;
  config.probe_interval = absl::Milliseconds(200);
  config.log_level = "error";
  return config;
}

std::unique_ptr<grpc::ClientContext> SignedContext(const platform::Principal& who,
                                                   const platform::Clock& clock) {
  platform::TokenIssuer issuer(kTestSecret, clock);
  auto token = issuer.Mint(who, absl::Hours(24));
  EXPECT_TRUE(token.ok()) << token.status();
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token.value_or(""));
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

std::vector<firstline::v1::Envelope> ReadEnvelopes(const MockKafka& kafka, const std::string& topic,
                                                   size_t at_least, absl::Duration timeout) {
  TopicReader reader(kafka.Config(), topic, kafka.partitions());
  std::vector<firstline::v1::Envelope> out;
  for (const auto& m : reader.ReadAtLeast(at_least, timeout)) {
    firstline::v1::Envelope e;
    EXPECT_TRUE(e.ParseFromString(m.value)) << "unreadable event on " << topic;
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<firstline::v1::Envelope> ReadEnvelopesUntil(
    const MockKafka& kafka, const std::string& topic,
    const std::function<bool(const firstline::v1::Envelope&)>& wanted, absl::Duration timeout) {
  // One reader for the whole wait: joining a consumer takes far longer than a poll.
  TopicReader reader(kafka.Config(), topic, kafka.partitions());
  const absl::Time deadline = absl::Now() + timeout;
  std::vector<firstline::v1::Envelope> out;
  while (true) {
    const auto& messages =
        reader.ReadAtLeast(out.size() + 1, std::max(absl::ZeroDuration(), deadline - absl::Now()));
    for (size_t i = out.size(); i < messages.size(); ++i) {
      firstline::v1::Envelope e;
      EXPECT_TRUE(e.ParseFromString(messages[i].value)) << "unreadable event on " << topic;
      out.push_back(std::move(e));
    }
    if (std::any_of(out.begin(), out.end(), wanted) || absl::Now() >= deadline) return out;
  }
}

bool InSortedSet(platform::RedisClient& redis, const std::string& key, const std::string& member) {
  auto r = redis.Command({"ZSCORE", key, member});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() && !r->is_nil();
}

}  // namespace firstline::testing
