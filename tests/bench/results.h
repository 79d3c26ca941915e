#pragma once

#include <string>

#include "absl/status/status.h"

namespace firstline::bench {

// One measured figure. `baseline` names another figure of the same run (e.g.
// "echo unary calls/s") that it is compared with; empty for a baseline itself.
struct Figure {
  std::string scenario;
  std::string metric;
  double value = 0;
  std::string unit;
  std::string baseline;
};

// Appends a figure as one JSON line to `path`.
absl::Status Record(const std::string& path, const Figure& figure);

// Reads every figure of a run from `jsonl`, prints the table (each figure beside its baseline
// and the ratio) and writes the whole run as one JSON document to `json_out`.
absl::Status Report(const std::string& jsonl, const std::string& json_out);

}  // namespace firstline::bench
