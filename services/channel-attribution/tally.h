#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace firstline::attribution {

// An aggregate is kept in Redis as one string of appended entries, each
//   [u32 field length, little endian][field bytes][f64 value, little endian],
// and a field's value is the sum of its entries. A folded batch then costs one APPEND per
// aggregate key instead of one HINCRBY per field (the per-field increments were most of the
// Redis time of a fold), and compaction rewrites a key with one entry per field.
// lua/spend_record.lua writes the same layout with struct.pack('<I4', n) and ('<d', x).
using TallySums = absl::flat_hash_map<std::string, double>;

// Appends one entry to `out`.
void AppendTally(std::string& out, absl::string_view field, double value);

// Sums whose fields point into the bytes they were read from (compaction: no copies).
using TallyViews = absl::flat_hash_map<absl::string_view, double>;

// Adds every entry of `bytes` into `sums`; DataLoss naming `key` when the bytes are cut short.
absl::Status AddTallies(absl::string_view key, absl::string_view bytes, TallySums& sums);
absl::Status AddTallies(absl::string_view key, absl::string_view bytes, TallyViews& sums);

// One entry per field (a field summing to zero stays, as a hash field would).
std::string EncodeTallies(const TallySums& sums);
std::string EncodeTallies(const TallyViews& sums);

}  // namespace firstline::attribution
