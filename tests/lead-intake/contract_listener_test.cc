// Contract events from the bus (mock Kafka) make accounts customers and give owners.
#include "lead-intake/contract_listener.h"

#include "lead-intake/lead_intake_fixture.h"
#include "platform/events/envelope.h"
#include "platform/events/envelope_handler.h"
#include "platform/events/processed_events.h"
#include "platform/kafka/event_producer.h"

namespace firstline::lead_intake::testing {
namespace {

class ContractEventsTest : public LeadIntakeFixture {
 protected:
  void BeforeStart() override {
    listener_ = std::make_unique<ContractListener>(*book_, *engine_);
    // The runtime's own consumer wiring, as main.cc uses it.
    ASSERT_TRUE(runtime_
                    ->AddEnvelopeConsumer("lead-intake",
                                          {std::string(platform::topics::kContracts)},
                                          [this](const auto& e) { return listener_->Apply(e); })
                    .ok());
    // Reads what that consumer marked processed (same consumer name).
    processed_ = std::make_unique<platform::ProcessedEvents>(runtime_->redis(), "lead-intake");
  }

  // Publishes a ContractSigned event as renewal-reminder would; returns its event id.
  std::string PublishSigned(const std::string& contract, const std::string& account,
                            const std::string& closed_by, const std::string& event_id = "") {
    auto e = platform::NewEnvelope("renewal-reminder", account, "", clock_);
    if (!event_id.empty()) e.set_event_id(event_id);
    auto* terms = e.mutable_contract_signed()->mutable_terms();
    terms->set_contract_id(contract);
    terms->set_account_id(account);
    terms->set_closed_by_id(closed_by);
    terms->set_version(1);
    EXPECT_TRUE(platform::Seal(e).ok());
    auto producer = platform::EventProducer::Create(kafka_.Config());
    EXPECT_TRUE(producer.ok());
    platform::OutgoingMessage m;
    m.topic = std::string(platform::topics::kContracts);
    m.key = account;
    m.value = e.SerializeAsString();
    m.headers = {{"event-id", e.event_id()}, {"type", e.type()}};
    EXPECT_TRUE((*producer)->ProduceAndWait(std::move(m), absl::Seconds(10)).ok());
    return e.event_id();
  }

  std::string OwnerWithin(const std::string& account, absl::Duration timeout) {
    absl::Time end = absl::Now() + timeout;
    while (absl::Now() < end) {
      auto owner = engine_->Owner(account);
      if (owner.ok() && owner->has_value()) return **owner;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return "";
  }

  std::unique_ptr<ContractListener> listener_;
  std::unique_ptr<platform::ProcessedEvents> processed_;
};

TEST_F(ContractEventsTest, SignedContractMakesACustomerAndTheClosingRepItsOwnerOnce) {
  v1::SubmitLeadResponse lead;
  ASSERT_TRUE(Submit(LeadRequest("c1", "13812345678", "", "Omega Corp"), &lead).ok());
  EXPECT_EQ(lead.lead().status(), v1::LEAD_STATUS_PARKED);  // nobody on the roster yet
  const std::string account = lead.lead().account_id();
  AddRep("rep-b", "inside-sales");
  AddRep("rep-c", "inside-sales");

  PublishSigned("contract-1", account, "rep-b");
  EXPECT_EQ(OwnerWithin(account, absl::Seconds(30)), "rep-b");
  auto standing = book_->Standing(account);
  ASSERT_TRUE(standing.ok());
  EXPECT_TRUE(standing->customer);

  // A later contract closed by someone else does not take the account over.
  const std::string second = PublishSigned("contract-2", account, "rep-c");
  // Wait until the listener has applied it (it marks the event processed).
  for (int i = 0; i < 300; ++i) {
    auto done = processed_->IsProcessed(second);
    if (done.ok() && *done) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  auto done = processed_->IsProcessed(second);
  ASSERT_TRUE(done.ok() && *done);
  auto owner = engine_->Owner(account);
  ASSERT_TRUE(owner.ok());
  EXPECT_EQ(owner->value_or(""), "rep-b");
}

}  // namespace
}  // namespace firstline::lead_intake::testing
