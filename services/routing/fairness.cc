#include "routing/fairness.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace firstline::routing {

double Gini(const std::vector<double>& values) {
  if (values.empty()) return 0;
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  double sum = std::accumulate(sorted.begin(), sorted.end(), 0.0);
  if (sum <= 0) return 0;
  // Sorted form of sum_i sum_j |xi - xj| / (2 n^2 mean), O(n log n).
  double weighted = 0;
  const double n = static_cast<double>(sorted.size());
  for (size_t i = 0; i < sorted.size(); ++i) {
    weighted += (2.0 * static_cast<double>(i + 1) - n - 1.0) * sorted[i];
  }
  return weighted / (n * sum);
}

}  // namespace firstline::routing
