#pragma once

#include <string_view>

namespace firstline::platform {

// Names the calling thread, as `top -H`, `perf` and debuggers show it. Linux keeps 15 bytes:
// a longer name keeps its first 15, so put what tells threads apart first.
void NameThisThread(std::string_view name);

}  // namespace firstline::platform
