#pragma once

#include <CLI/CLI.hpp>

namespace firstline::admin {

// `firstline rep upsert|remove` (lead-intake) and `firstline engineer upsert|remove`
// (ticket-dispatch): the roster, through the services' operator APIs.
void AddRosterCommands(CLI::App& app, int& exit_code);

}  // namespace firstline::admin
