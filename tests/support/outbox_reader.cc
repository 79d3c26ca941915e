#include "support/outbox_reader.h"

#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "platform/outbox/outbox_event.h"

namespace firstline::testing {

std::vector<v1::Envelope> OutboxEvents(platform::RedisClient& client, const std::string& key) {
  std::vector<v1::Envelope> out;
  auto r = client.Command({"XRANGE", key, "-", "+"});
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return out;
  for (const auto& entry : r->elements) {
    const auto& f = entry.elements[1].elements;
    std::vector<std::string> values;
    int64_t count = 0;
    for (size_t i = 0; i + 1 < f.size(); i += 2) {
      if (f[i].str == "n") {
        EXPECT_TRUE(absl::SimpleAtoi(f[i + 1].str, &count));
      }
    }
    for (size_t i = 0; i + 1 < f.size(); i += 2) {
      if (f[i].str == "v") values.push_back(f[i + 1].str);
      if (f[i].str != "b") continue;
      auto records = platform::DecodeOutboxBatch(f[i + 1].str, count);
      EXPECT_TRUE(records.ok()) << records.status();
      if (!records.ok()) continue;
      for (auto& rec : *records) values.push_back(std::move(rec.value));
    }
    for (const auto& value : values) {
      v1::Envelope e;
      EXPECT_TRUE(e.ParseFromString(value));
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace firstline::testing
