#pragma once

#include <CLI/CLI.hpp>

namespace firstline::admin {

// `firstline report channels|compare` (channel-attribution) and `firstline accounts at-risk`
// (renewal-reminder), printed as tables.
void AddReportCommands(CLI::App& app, int& exit_code);

}  // namespace firstline::admin
