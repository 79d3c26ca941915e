#include "channel-attribution/tally.h"

#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace firstline::attribution {
namespace {
constexpr size_t kLengthBytes = 4;
constexpr size_t kValueBytes = 8;

void PutLittleEndian(uint64_t v, size_t bytes, std::string& out) {
  char buffer[sizeof(v)];
  for (size_t i = 0; i < bytes; ++i, v >>= 8) buffer[i] = static_cast<char>(v & 0xff);
  out.append(buffer, bytes);
}

uint64_t GetLittleEndian(const char* at, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = bytes; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(at[i]);
  return v;
}

absl::Status CutShort(absl::string_view key, size_t entry) {
  return absl::DataLossError(
      absl::StrCat("aggregate ", key, " is cut short in the entry at byte ", entry));
}
}  // namespace

void AppendTally(std::string& out, absl::string_view field, double value) {
  uint64_t bits = 0;
  static_assert(sizeof(bits) == sizeof(value));
  std::memcpy(&bits, &value, sizeof(bits));
  PutLittleEndian(field.size(), kLengthBytes, out);
  out.append(field.data(), field.size());
  PutLittleEndian(bits, kValueBytes, out);
}

namespace {
template <typename Sums>
absl::Status AddTalliesTo(absl::string_view key, absl::string_view bytes, Sums& sums) {
  size_t at = 0;
  while (at < bytes.size()) {
    const size_t entry = at;
    if (bytes.size() - at < kLengthBytes) return CutShort(key, entry);
    const size_t length = GetLittleEndian(bytes.data() + at, kLengthBytes);
    at += kLengthBytes;
    if (bytes.size() - at < length + kValueBytes) return CutShort(key, entry);
    const absl::string_view field = bytes.substr(at, length);
    at += length;
    const uint64_t bits = GetLittleEndian(bytes.data() + at, kValueBytes);
    at += kValueBytes;
    double value = 0;
    std::memcpy(&value, &bits, sizeof(value));
    sums[field] += value;
  }
  return absl::OkStatus();
}

template <typename Sums>
std::string Encode(const Sums& sums) {
  std::string out;
  size_t size = 0;
  for (const auto& [field, value] : sums) size += kLengthBytes + field.size() + kValueBytes;
  out.reserve(size);
  for (const auto& [field, value] : sums) AppendTally(out, field, value);
  return out;
}
}  // namespace

absl::Status AddTallies(absl::string_view key, absl::string_view bytes, TallySums& sums) {
  return AddTalliesTo(key, bytes, sums);
}
absl::Status AddTallies(absl::string_view key, absl::string_view bytes, TallyViews& sums) {
  return AddTalliesTo(key, bytes, sums);
}
std::string EncodeTallies(const TallySums& sums) { return Encode(sums); }
std::string EncodeTallies(const TallyViews& sums) { return Encode(sums); }

}  // namespace firstline::attribution
