#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"

namespace firstline::platform {

// Structured JSON logs: one object per line with ts, level, service, event and fields.
// Secrets (tokens) must never be passed as fields.
class Log {
 public:
  // Installs the process-wide JSON logger for `service` at `level` ("debug", "info", ...).
  static void Init(std::string service, std::string_view level);

  static void Debug(std::string_view event, nlohmann::json fields = {});
  static void Info(std::string_view event, nlohmann::json fields = {});
  static void Warn(std::string_view event, nlohmann::json fields = {});
  static void Error(std::string_view event, nlohmann::json fields = {});

 private:
  static void Write(spdlog::level::level_enum level, std::string_view event, nlohmann::json fields);
};

}  // namespace firstline::platform
