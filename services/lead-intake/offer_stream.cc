#include "lead-intake/offer_stream.h"

#include "google/protobuf/util/time_util.h"
#include "platform/grpc/status_conversion.h"

namespace firstline::lead_intake {
namespace {

namespace v1 = firstline::v1;
using routing::OfferNotice;

v1::OfferChange ChangeOf(OfferNotice::Change c) {
  switch (c) {
    case OfferNotice::Change::kOffered:
      return v1::OFFER_CHANGE_OFFERED;
    case OfferNotice::Change::kAssigned:
      return v1::OFFER_CHANGE_ASSIGNED;
    case OfferNotice::Change::kExpired:
      return v1::OFFER_CHANGE_EXPIRED;
    default:
      return v1::OFFER_CHANGE_RESCINDED;
  }
}

}  // namespace

OfferStream::OfferStream(LeadDesk& desk, routing::OfferFeed& feed, platform::Principal rep)
    : desk_(desk), feed_(feed), rep_(std::move(rep)) {
  if (auto st = desk_.OfferStreamOpened(rep_); !st.ok()) {
    std::lock_guard lock(mu_);
    FinishOnce(platform::ToGrpcStatus(st));
    return;
  }
  opened_ = true;
  handle_ = feed_.Watch(rep_.subject, [this](const auto& notices) { Deliver(notices); });
}

void OfferStream::Deliver(const std::vector<OfferNotice>& notices) {
  std::vector<v1::WatchOffersResponse> out;
  for (const auto& n : notices) {
    // The rep's own declines need no message: it made them.
    if (n.change == OfferNotice::Change::kDeclined) continue;
    v1::WatchOffersResponse r;
    r.set_change(ChangeOf(n.change));
    r.set_offer_id(n.offer_id);
    r.set_replayed(n.replayed);
    *r.mutable_deadline() =
        google::protobuf::util::TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(n.deadline));
    if (auto lead = desk_.LeadOfItem(n.item_id); lead.ok()) *r.mutable_lead() = std::move(*lead);
    out.push_back(std::move(r));
  }
  std::lock_guard lock(mu_);
  if (finished_) return;
  for (auto& r : out) queue_.push_back(std::move(r));
  if (!writing_ && !queue_.empty()) {
    writing_ = true;
    StartWrite(&queue_.front());
  }
}

void OfferStream::OnWriteDone(bool ok) {
  std::lock_guard lock(mu_);
  queue_.pop_front();
  if (!ok) {
    FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "the rep's app went away"));
    return;
  }
  if (!queue_.empty() && !finished_) {
    StartWrite(&queue_.front());
  } else {
    writing_ = false;
  }
}

void OfferStream::OnCancel() {
  std::lock_guard lock(mu_);
  FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "the stream was cancelled"));
}

void OfferStream::FinishOnce(grpc::Status status) {
  if (finished_) return;
  finished_ = true;
  Finish(std::move(status));
}

void OfferStream::OnDone() {
  if (opened_) {
    feed_.Unwatch(handle_);  // after this no Deliver runs
    (void)desk_.OfferStreamClosed(rep_);
  }
  delete this;
}

}  // namespace firstline::lead_intake
