#pragma once

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace firstline::platform {

// A Lua script embedded from its .lua file, called by SHA1 and reloaded on NOSCRIPT.
class RedisScript {
 public:
  RedisScript(std::string name, std::string_view source);

  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string name_;
  std::string source_;
  std::string sha1_;
};

}  // namespace firstline::platform
