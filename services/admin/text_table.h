#pragma once

#include <string>
#include <vector>

namespace firstline::admin {

// A plain-text table for terminals: a header, a rule, and the rows, each column as wide as
// its widest cell; cells that look like numbers are right-aligned.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Money in minor units as "12,345.67".
std::string Amount(int64_t minor);

}  // namespace firstline::admin
