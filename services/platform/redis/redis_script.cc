#include "platform/redis/redis_script.h"

#include <openssl/evp.h>

#include <array>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace firstline::platform {
namespace {

std::string Sha1Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha1(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest.data()), len));
}

}  // namespace

RedisScript::RedisScript(std::string name, std::string_view source)
    : name_(std::move(name)), source_(source), sha1_(Sha1Hex(source)) {}

}  // namespace firstline::platform
