#pragma once

#include <librdkafka/rdkafkacpp.h>

#include "platform/core/log.h"

namespace firstline::platform {

// Routes librdkafka's own log lines and errors into the structured JSON log, so a service's
// output stays one JSON object per line.
inline void LogKafkaEvent(RdKafka::Event& event) {
  if (event.type() == RdKafka::Event::EVENT_LOG) {
    nlohmann::json fields = {{"facility", event.fac()}, {"message", event.str()}};
    if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_ERROR) {
      Log::Error("kafka_log", std::move(fields));
    } else if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING) {
      Log::Warn("kafka_log", std::move(fields));
    } else if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_NOTICE) {
      Log::Info("kafka_log", std::move(fields));
    } else {
      Log::Debug("kafka_log", std::move(fields));
    }
  } else if (event.type() == RdKafka::Event::EVENT_ERROR) {
    Log::Warn("kafka_error", {{"code", RdKafka::err2str(event.err())}, {"message", event.str()}});
  }
}

}  // namespace firstline::platform
