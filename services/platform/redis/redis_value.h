#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace firstline::platform {

// A Redis reply decoupled from hiredis; error replies never become values (they are statuses).
struct RedisValue {
  enum class Type { kNil, kInteger, kString, kStatus, kArray };

  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;
  std::vector<RedisValue> elements;

  bool is_nil() const { return type == Type::kNil; }
  bool is_array() const { return type == Type::kArray; }
};

}  // namespace firstline::platform
