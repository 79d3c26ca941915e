#include "devbroker/control_command.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace firstline::devbroker {
namespace {

std::string Answer(const absl::Status& st, absl::string_view ok_text = "") {
  if (!st.ok()) return absl::StrCat("error ", st.message());
  return ok_text.empty() ? "ok" : absl::StrCat("ok ", ok_text);
}

}  // namespace

std::string ExecuteControl(MockCluster& cluster, absl::string_view line) {
  std::vector<absl::string_view> words =
      absl::StrSplit(absl::StripAsciiWhitespace(line), ' ', absl::SkipEmpty());
  if (words.empty()) return "error empty command";
  absl::string_view cmd = words[0];
  auto ints = [&](size_t n, std::vector<int>& out) {
    if (words.size() != n + 1) return false;
    for (size_t i = 1; i <= n; ++i) {
      int v = 0;
      if (!absl::SimpleAtoi(words[i], &v)) return false;
      out.push_back(v);
    }
    return true;
  };
  std::vector<int> args;
  if (cmd == "status" && words.size() == 1) {
    return absl::StrCat("ok ", cluster.down() ? "down" : "up", " bootstrap=", cluster.bootstrap());
  }
  if (cmd == "down" && words.size() == 1) return Answer(cluster.SetDown());
  if (cmd == "up" && words.size() == 1) return Answer(cluster.SetUp());
  if (cmd == "errors") {
    if (!ints(3, args)) return "error usage: errors <api-key> <code> <count>";
    return Answer(cluster.InjectRequestErrors(args[0], args[1], args[2]));
  }
  if (cmd == "clear") {
    if (!ints(1, args)) return "error usage: clear <api-key>";
    cluster.ClearRequestErrors(args[0]);
    return "ok";
  }
  if (cmd == "rtt") {
    if (!ints(1, args)) return "error usage: rtt <ms>";
    return Answer(cluster.SetRtt(args[0]));
  }
  return absl::StrCat("error unknown command '", cmd, "' (status, down, up, errors, clear, rtt)");
}

}  // namespace firstline::devbroker
