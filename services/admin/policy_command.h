#pragma once

#include <CLI/CLI.hpp>

namespace firstline::admin {

// `firstline policy check FILE` and `firstline policy dry-run FILE ITEM.json [--roster R.json]`:
// validate a routing policy, and show which rule, targets and candidates an item would get and
// why, without a running service.
void AddPolicyCommands(CLI::App& app, int& exit_code);

}  // namespace firstline::admin
