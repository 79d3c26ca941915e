#include "platform/core/log.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace firstline::platform {
namespace {

std::string& ServiceName() {
  static std::string name = "firstline";
  return name;
}

std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("firstline",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    return l;
  }();
  return logger;
}

}  // namespace

void Log::Init(std::string service, std::string_view level) {
  ServiceName() = std::move(service);
  Logger()->set_level(spdlog::level::from_str(std::string(level)));
  Logger()->flush_on(spdlog::level::info);
}

void Log::Write(spdlog::level::level_enum level, std::string_view event, nlohmann::json fields) {
  auto logger = Logger();
  if (!logger->should_log(level)) return;
  // ordered_json keeps ts, level, service and event first: easier for people to scan.
  nlohmann::ordered_json line = {
      {"ts", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone())},
      {"level", spdlog::level::to_string_view(level).data()},
      {"service", ServiceName()},
      {"event", event},
  };
  if (fields.is_object()) {
    for (auto& [key, value] : fields.items()) line[key] = std::move(value);
  }
  logger->log(level, "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Log::Debug(std::string_view e, nlohmann::json f) {
  Write(spdlog::level::debug, e, std::move(f));
}
void Log::Info(std::string_view e, nlohmann::json f) {
  Write(spdlog::level::info, e, std::move(f));
}
void Log::Warn(std::string_view e, nlohmann::json f) {
  Write(spdlog::level::warn, e, std::move(f));
}
void Log::Error(std::string_view e, nlohmann::json f) {
  Write(spdlog::level::err, e, std::move(f));
}

}  // namespace firstline::platform
