#pragma once

#include <CLI/CLI.hpp>

namespace firstline::admin {

// `firstline token mint`: development and operations tokens signed with the suite's secret.
void AddTokenCommands(CLI::App& app, int& exit_code);

}  // namespace firstline::admin
