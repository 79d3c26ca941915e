#include "platform/http/metrics.h"

namespace firstline::platform {

PlatformMetrics::PlatformMetrics(prometheus::Registry& r)
    : rpc_total(prometheus::BuildCounter()
                    .Name("firstline_rpc_total")
                    .Help("Finished RPCs by method and status code")
                    .Register(r)),
      rpc_seconds(prometheus::BuildHistogram()
                      .Name("firstline_rpc_seconds")
                      .Help("RPC latency from first byte to status")
                      .Register(r)),
      dependency_up(prometheus::BuildGauge()
                        .Name("firstline_dependency_up")
                        .Help("1 while the dependency (redis, kafka) answers probes")
                        .Register(r)),
      outbox_depth(prometheus::BuildGauge()
                       .Name("firstline_outbox_depth")
                       .Help("Events written to the outbox and not yet acknowledged by Kafka")
                       .Register(r)),
      outbox_published(prometheus::BuildCounter()
                           .Name("firstline_outbox_published_total")
                           .Help("Outbox events acknowledged by Kafka")
                           .Register(r)),
      outbox_failed(prometheus::BuildCounter()
                        .Name("firstline_outbox_publish_failures_total")
                        .Help("Outbox publish attempts that failed and will be retried")
                        .Register(r)),
      script_reloads(prometheus::BuildCounter()
                         .Name("firstline_redis_script_reloads_total")
                         .Help("Lua scripts reloaded after NOSCRIPT")
                         .Register(r)),
      redis_round_trips(prometheus::BuildCounter()
                            .Name("firstline_redis_round_trips_total")
                            .Help("Commands and pipelines sent to Redis, each one round trip")
                            .Register(r)),
      consumer_lag(prometheus::BuildGauge()
                       .Name("firstline_consumer_lag")
                       .Help("Messages behind the log end, summed over assigned partitions")
                       .Register(r)),
      consumer_handled(prometheus::BuildCounter()
                           .Name("firstline_consumer_handled_total")
                           .Help("Messages handled successfully")
                           .Register(r)),
      consumer_dead(prometheus::BuildCounter()
                        .Name("firstline_consumer_dead_lettered_total")
                        .Help("Messages sent to the dead-letter topic")
                        .Register(r)),
      consumer_retries(prometheus::BuildCounter()
                           .Name("firstline_consumer_retries_total")
                           .Help("Transient handler failures retried")
                           .Register(r)) {}

}  // namespace firstline::platform
