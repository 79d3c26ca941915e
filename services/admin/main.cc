// firstline: the operators' command-line tool.
#include <CLI/CLI.hpp>

#include "admin/inspect_command.h"
#include "admin/policy_command.h"
#include "admin/report_command.h"
#include "admin/roster_command.h"
#include "admin/token_command.h"

int main(int argc, char** argv) {
  CLI::App app{"firstline: administer the Firstline suite"};
  app.require_subcommand(1);
  int exit_code = 0;
  firstline::admin::AddTokenCommands(app, exit_code);
  firstline::admin::AddPolicyCommands(app, exit_code);
  firstline::admin::AddRosterCommands(app, exit_code);
  firstline::admin::AddInspectCommands(app, exit_code);
  firstline::admin::AddReportCommands(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
