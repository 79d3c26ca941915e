#include "bench/results.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <vector>

#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace firstline::bench {

absl::Status Record(const std::string& path, const Figure& f) {
  std::ofstream out(path, std::ios::app);
  if (!out) return absl::UnavailableError("cannot append to " + path);
  nlohmann::ordered_json j = {{"scenario", f.scenario},
                              {"metric", f.metric},
                              {"value", f.value},
                              {"unit", f.unit},
                              {"baseline", f.baseline}};
  out << j.dump() << "\n";
  std::printf("  %-12s %-48s %14.2f %s\n", f.scenario.c_str(), f.metric.c_str(), f.value,
              f.unit.c_str());
  return out.good() ? absl::OkStatus() : absl::DataLossError("write failed: " + path);
}

absl::Status Report(const std::string& jsonl, const std::string& json_out) {
  std::ifstream in(jsonl);
  if (!in) return absl::NotFoundError("no results at " + jsonl);
  std::vector<nlohmann::json> figures;
  std::map<std::string, double> by_metric;
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) return absl::DataLossError("bad line in " + jsonl + ": " + line);
    by_metric[j.value("metric", "")] = j.value("value", 0.0);
    figures.push_back(std::move(j));
  }
  std::printf("\n%-12s %-48s %14s %-8s  %-30s %14s %8s\n", "scenario", "figure", "value", "unit",
              "baseline (same run)", "baseline", "ratio");
  std::printf("%s\n", std::string(142, '-').c_str());
  nlohmann::json rows = nlohmann::json::array();
  for (auto& f : figures) {
    std::string baseline = f.value("baseline", "");
    std::string base_text = "-";
    std::string ratio_text = "-";
    if (auto it = by_metric.find(baseline); !baseline.empty() && it != by_metric.end()) {
      base_text = absl::StrFormat("%.2f", it->second);
      if (it->second > 0) {
        double ratio = f.value("value", 0.0) / it->second;
        ratio_text = absl::StrFormat("%.2f", ratio);
        f["baseline_value"] = it->second;
        f["ratio"] = ratio;
      }
    }
    std::printf("%-12s %-48s %14.2f %-8s  %-30s %14s %8s\n", f.value("scenario", "").c_str(),
                f.value("metric", "").c_str(), f.value("value", 0.0), f.value("unit", "").c_str(),
                baseline.empty() ? "-" : baseline.c_str(), base_text.c_str(), ratio_text.c_str());
    rows.push_back(f);
  }
  std::ofstream out(json_out);
  if (!out) return absl::UnavailableError("cannot write " + json_out);
  out << nlohmann::json{{"figures", rows}}.dump(2) << "\n";
  std::printf("\nresults: %s\n", json_out.c_str());
  return absl::OkStatus();
}

}  // namespace firstline::bench
