#pragma once

#include <optional>
#include <string>

namespace firstline::testing {

// GET http://127.0.0.1:<port><path>; returns the HTTP status code, or -1 when unreachable.
int HttpGetStatus(int port, const std::string& path, std::string* body = nullptr);

// The value of an unlabelled metric in a Prometheus text exposition; nullopt when it is
// missing or not a number.
std::optional<double> MetricValue(const std::string& exposition, const std::string& name);

}  // namespace firstline::testing
