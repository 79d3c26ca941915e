#pragma once

#include <memory>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace firstline::platform {

// The platform's own metric families, registered once per process registry.
struct PlatformMetrics {
  explicit PlatformMetrics(prometheus::Registry& registry);

  prometheus::Family<prometheus::Counter>& rpc_total;          // {method, code}
  prometheus::Family<prometheus::Histogram>& rpc_seconds;      // {method}
  prometheus::Family<prometheus::Gauge>& dependency_up;        // {dependency}
  prometheus::Family<prometheus::Gauge>& outbox_depth;         // {}
  prometheus::Family<prometheus::Counter>& outbox_published;   // {}
  prometheus::Family<prometheus::Counter>& outbox_failed;      // {}
  prometheus::Family<prometheus::Counter>& script_reloads;     // {}
  prometheus::Family<prometheus::Counter>& redis_round_trips;  // {}
  prometheus::Family<prometheus::Gauge>& consumer_lag;         // {group}
  prometheus::Family<prometheus::Counter>& consumer_handled;   // {group}
  prometheus::Family<prometheus::Counter>& consumer_dead;      // {group}
  prometheus::Family<prometheus::Counter>& consumer_retries;   // {group}
};

// Moves a counter forward to an absolute total kept elsewhere (an atomic in a component).
inline void AdvanceTo(prometheus::Counter& counter, double total) {
  if (total > counter.Value()) counter.Increment(total - counter.Value());
}

}  // namespace firstline::platform
