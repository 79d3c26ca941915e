#pragma once

#include <grpcpp/support/server_callback.h>

#include <string>

#include "firstline/v1/lead_intake.pb.h"
#include "lead-intake/lead_desk.h"
#include "platform/core/work_pool.h"

namespace firstline::lead_intake {

// SubmitLeads: one answer per request, in order, each with its own status, so one bad lead
// never fails the stream. One request is in flight at a time: the next read starts only
// after the previous answer was written, so a fast call centre is slowed to our pace
// (flow control) instead of filling memory.
class SubmitStream final : public grpc::ServerBidiReactor<firstline::v1::SubmitLeadsRequest,
                                                          firstline::v1::SubmitLeadsResponse> {
 public:
  SubmitStream(LeadDesk& desk, platform::WorkPool& pool, platform::Principal caller,
               std::string trace_id);
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  void Answer();  // on the pool: submit the lead just read, write its answer

  LeadDesk& desk_;
  platform::WorkPool& pool_;
  platform::Principal caller_;
  std::string trace_id_;
  firstline::v1::SubmitLeadsRequest request_;
  firstline::v1::SubmitLeadsResponse response_;
  int64_t sequence_ = 0;
};

// A stream refused before it started (authentication, permission).
class RefusedSubmitStream final
    : public grpc::ServerBidiReactor<firstline::v1::SubmitLeadsRequest,
                                     firstline::v1::SubmitLeadsResponse> {
 public:
  explicit RefusedSubmitStream(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace firstline::lead_intake
