#pragma once

#include <grpcpp/support/server_callback.h>

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "firstline/v1/lead_intake.pb.h"
#include "lead-intake/lead_desk.h"
#include "routing/offer_feed.h"

namespace firstline::lead_intake {

// WatchOffers for one rep: pending offers replayed first, then offers, assignments, rescinds
// and expiries as they happen. While the stream is open the rep counts as present. Writes are
// queued and sent one at a time (the callback API allows one outstanding write).
class OfferStream final : public grpc::ServerWriteReactor<firstline::v1::WatchOffersResponse> {
 public:
  OfferStream(LeadDesk& desk, routing::OfferFeed& feed, platform::Principal rep);
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void Deliver(const std::vector<routing::OfferNotice>& notices);
  void FinishOnce(grpc::Status status);  // mu_ held

  LeadDesk& desk_;
  routing::OfferFeed& feed_;
  platform::Principal rep_;
  uint64_t handle_ = 0;
  bool opened_ = false;
  std::mutex mu_;
  std::deque<firstline::v1::WatchOffersResponse> queue_;
  bool writing_ = false;
  bool finished_ = false;
};

// A stream refused before it started (authentication, permission).
class RefusedOfferStream final
    : public grpc::ServerWriteReactor<firstline::v1::WatchOffersResponse> {
 public:
  explicit RefusedOfferStream(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace firstline::lead_intake
