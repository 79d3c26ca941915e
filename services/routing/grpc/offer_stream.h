#pragma once
// The gRPC side of an offer feed, shared by lead-intake (WatchOffers of reps) and
// ticket-dispatch (WatchOffers of engineers). Kept apart from the engine, which knows no gRPC.

#include <grpcpp/support/server_callback.h>

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "firstline/v1/lead_intake.pb.h"
#include "google/protobuf/util/time_util.h"
#include "platform/grpc/queued_stream.h"
#include "platform/grpc/status_conversion.h"
#include "routing/offer_feed.h"

namespace firstline::routing {

// How a service plugs its own messages and presence into the stream.
template <typename Item>
struct OfferStreamHooks {
  std::function<absl::Status()> opened;  // presence on (refusing ends the stream)
  std::function<void()> closed;          // presence off
  std::function<absl::StatusOr<Item>(const std::string& item_id)> lookup;
};

// One worker's live offer feed: pending offers replayed first, then offers, assignments,
// rescinds and expiries as they happen (the worker's own declines are not echoed). `Response`
// has change, offer_id, deadline, replayed; `set_item` puts the looked-up item in it.
template <typename Response, typename Item>
class OfferStream final : public platform::QueuedServerStream<Response> {
 public:
  using SetItem = std::function<void(Response&, Item)>;

  OfferStream(OfferFeed& feed, platform::LiveStreams& live, std::string worker_id,
              OfferStreamHooks<Item> hooks, SetItem set_item)
      : platform::QueuedServerStream<Response>(&live),
        feed_(feed),
        worker_id_(std::move(worker_id)),
        hooks_(std::move(hooks)),
        set_item_(std::move(set_item)) {
    if (auto st = hooks_.opened(); !st.ok()) {
      this->End(platform::ToGrpcStatus(st));
      return;
    }
    opened_ = true;
    this->Open([this] {
      handle_ = feed_.Watch(worker_id_, [this](const auto& notices) { Deliver(notices); });
    });
  }

  void Closed() override {
    if (opened_) {
      feed_.Unwatch(handle_);  // after this no Deliver runs
      hooks_.closed();
    }
  }

 private:
  static firstline::v1::OfferChange ChangeOf(OfferNotice::Change c) {
    switch (c) {
      case OfferNotice::Change::kOffered:
        return firstline::v1::OFFER_CHANGE_OFFERED;
      case OfferNotice::Change::kAssigned:
        return firstline::v1::OFFER_CHANGE_ASSIGNED;
      case OfferNotice::Change::kExpired:
        return firstline::v1::OFFER_CHANGE_EXPIRED;
      default:
        return firstline::v1::OFFER_CHANGE_RESCINDED;
    }
  }

  void Deliver(const std::vector<OfferNotice>& notices) {
    std::vector<Response> out;
    for (const auto& n : notices) {
      if (n.change == OfferNotice::Change::kDeclined) continue;
      Response r;
      r.set_change(ChangeOf(n.change));
      r.set_offer_id(n.offer_id);
      r.set_replayed(n.replayed);
      *r.mutable_deadline() =
          google::protobuf::util::TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(n.deadline));
      if (auto item = hooks_.lookup(n.item_id); item.ok()) set_item_(r, std::move(*item));
      out.push_back(std::move(r));
    }
    this->Send(std::move(out));
  }

  OfferFeed& feed_;
  std::string worker_id_;
  OfferStreamHooks<Item> hooks_;
  SetItem set_item_;
  uint64_t handle_ = 0;
  bool opened_ = false;
};

// A server stream refused before it started (authentication, permission).
template <typename Response>
class RefusedStream final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit RefusedStream(grpc::Status status) { this->Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace firstline::routing
