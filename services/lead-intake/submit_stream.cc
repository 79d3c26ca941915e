#include "lead-intake/submit_stream.h"

namespace firstline::lead_intake {

SubmitStream::SubmitStream(LeadDesk& desk, platform::WorkPool& pool, platform::Principal caller,
                           std::string trace_id)
    : desk_(desk), pool_(pool), caller_(std::move(caller)), trace_id_(std::move(trace_id)) {
  StartRead(&request_);
}

void SubmitStream::OnReadDone(bool ok) {
  if (!ok) {  // the client finished sending (or went away)
    Finish(grpc::Status::OK);
    return;
  }
  response_.Clear();
  response_.set_sequence(sequence_++);
  if (absl::Status queued = pool_.Submit([this] { Answer(); }); !queued.ok()) {
    response_.set_code(static_cast<int32_t>(queued.code()));
    response_.set_error(std::string(queued.message()));
    StartWrite(&response_);
  }
}

void SubmitStream::Answer() {
  auto result = desk_.Submit(caller_, request_.lead(), trace_id_);
  if (result.ok()) {
    *response_.mutable_result() = std::move(*result);
  } else {
    response_.set_code(static_cast<int32_t>(result.status().code()));
    response_.set_error(std::string(result.status().message()));
  }
  StartWrite(&response_);
}

void SubmitStream::OnWriteDone(bool ok) {
  if (!ok) {
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading answers"));
    return;
  }
  StartRead(&request_);
}

}  // namespace firstline::lead_intake
