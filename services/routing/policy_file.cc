#include "routing/policy_file.h"

#include "absl/strings/str_cat.h"
#include "platform/core/log.h"

namespace firstline::routing {

absl::StatusOr<std::shared_ptr<const Policy>> PolicyFile::Load() {
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path_, ec);
  if (ec) return absl::NotFoundError(absl::StrCat("policy file ", path_, ": ", ec.message()));
  auto policy = LoadPolicyFile(path_);
  if (!policy.ok()) return policy.status();
  loaded_mtime_ = mtime;
  return std::make_shared<const Policy>(std::move(*policy));
}

absl::Status PolicyFile::ReloadIfChanged(RoutingEngine& engine) {
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path_, ec);
  if (ec) return absl::NotFoundError(absl::StrCat("policy file ", path_, ": ", ec.message()));
  if (mtime == loaded_mtime_ || mtime == refused_mtime_) return absl::OkStatus();
  auto policy = LoadPolicyFile(path_);
  if (!policy.ok()) {
    refused_mtime_ = mtime;  // say it once per edit, keep the running policy
    platform::Log::Error("policy_reload_refused",
                         {{"path", path_}, {"error", policy.status().ToString()}});
    return policy.status();
  }
  loaded_mtime_ = mtime;
  platform::Log::Info("policy_reloaded", {{"path", path_}, {"version", policy->version}});
  engine.SetPolicy(std::make_shared<const Policy>(std::move(*policy)));
  return absl::OkStatus();
}

}  // namespace firstline::routing
