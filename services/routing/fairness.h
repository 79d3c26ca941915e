#pragma once

#include <map>
#include <string>
#include <vector>

namespace firstline::routing {

// Gini coefficient of non-negative counts: 0 when everyone got the same, towards 1 when one
// worker got everything. Empty or all-zero input gives 0.
double Gini(const std::vector<double>& values);

struct FairnessReport {
  std::string pool;
  std::map<std::string, int> assignments;  // worker -> assignments in the window
  double gini = 0;
};

}  // namespace firstline::routing
