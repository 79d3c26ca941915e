#pragma once

#include <string>

namespace firstline::testing {

// GET http://127.0.0.1:<port><path>; returns the HTTP status code, or -1 when unreachable.
int HttpGetStatus(int port, const std::string& path, std::string* body = nullptr);

}  // namespace firstline::testing
