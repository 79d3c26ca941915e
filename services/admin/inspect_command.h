#pragma once

#include <CLI/CLI.hpp>

namespace firstline::admin {

// `firstline explain lead|ticket ID` (decision receipts) and `firstline tail TOPIC` (events
// decoded to JSON, one per line).
void AddInspectCommands(CLI::App& app, int& exit_code);

}  // namespace firstline::admin
