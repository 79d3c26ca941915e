#include "admin/text_table.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace firstline::admin {
namespace {

bool Numeric(const std::string& cell) {
  return !cell.empty() && std::all_of(cell.begin(), cell.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == ',' || c == '-' || c == '%';
  });
}

}  // namespace

std::string TextTable::Render() const {
  std::vector<size_t> width(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  // A column of numbers gets its header right-aligned too.
  std::vector<bool> numeric_column(header_.size(), !rows_.empty());
  for (const auto& row : rows_) {
    for (size_t i = 0; i < numeric_column.size(); ++i) {
      if (i < row.size() && !Numeric(row[i])) numeric_column[i] = false;
    }
  }
  auto line = [&](const std::vector<std::string>& row, bool header) {
    std::string out;
    for (size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      const std::string pad(width[i] - cell.size(), ' ');
      if (i > 0) out += "  ";
      const bool right = header ? numeric_column[i] : Numeric(cell);
      out += right ? pad + cell : cell + (i + 1 < width.size() ? pad : "");
    }
    return out + "\n";
  };
  std::string out = line(header_, true);
  size_t total = 0;
  for (size_t w : width) total += w;
  out += std::string(total + 2 * (width.empty() ? 0 : width.size() - 1), '-') + "\n";
  for (const auto& row : rows_) out += line(row, false);
  return out;
}

std::string Amount(int64_t minor) {
  const bool negative = minor < 0;
  const uint64_t v = negative ? -static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  const std::string digits = absl::StrCat(v / 100);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return absl::StrFormat("%s%s.%02d", negative ? "-" : "", grouped, static_cast<int>(v % 100));
}

}  // namespace firstline::admin
