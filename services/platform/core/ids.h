#pragma once

#include <string>

namespace firstline::platform {

// 128 random bits as 32 lower-case hex characters; used for event ids and offer ids.
std::string NewRandomId();

}  // namespace firstline::platform
