#include "lead-intake/lead_form.h"

#include <gtest/gtest.h>

namespace firstline::lead_intake {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

firstline::v1::SubmitLeadRequest Valid() {
  firstline::v1::SubmitLeadRequest r;
  r.set_idempotency_key("k-1");
  r.mutable_source()->set_channel("hotline-400");
  r.mutable_contact()->set_phone("１３８ 1234-5678");  // full-width digits, spaces, dashes
  r.mutable_contact()->set_email("  Li.Lei@Acme-Retail.CN ");
  r.mutable_company()->set_name("杭州某某软件有限公司");
  r.mutable_company()->set_region("CN-ZJ");
  r.add_product_lines("erp-finance");
  return r;
}

TEST(LeadFormTest, NormalisesContactAndDerivesMatchKeys) {
  auto form = ReadLeadForm(Valid(), LeadLimits{}, kNow);
  ASSERT_TRUE(form.ok()) << form.status().message();
  EXPECT_EQ(form->phone_key, "+8613812345678");
  EXPECT_EQ(form->email_key, "li.lei@acme-retail.cn");
  EXPECT_EQ(form->lead.contact().phone(), "+8613812345678");
  EXPECT_EQ(form->domain_key, "acme-retail.cn");  // from the e-mail: no domain was given
  EXPECT_EQ(form->lead.company().domain(), "acme-retail.cn");
  EXPECT_FALSE(form->company_key.empty());
  EXPECT_EQ(form->company_key.substr(form->company_key.size() - 6), "|CN-ZJ");
  EXPECT_EQ(form->occurred_at, kNow);  // missing occurred_at: now
  EXPECT_EQ(form->lead.received_at().seconds(), 1'790'000'000);
}

TEST(LeadFormTest, FreeMailIsNoCompanyDomain) {
  auto r = Valid();
  r.mutable_contact()->set_email("someone@QQ.com");
  auto form = ReadLeadForm(r, LeadLimits{}, kNow);
  ASSERT_TRUE(form.ok());
  EXPECT_TRUE(form->domain_key.empty());
  EXPECT_EQ(form->email_key, "someone@qq.com");
}

TEST(LeadFormTest, EveryBadFieldIsNamedAtOnce) {
  firstline::v1::SubmitLeadRequest r;
  r.mutable_source()->set_channel("bad channel!");
  r.mutable_contact()->set_buying_role(static_cast<firstline::v1::BuyingRole>(42));
  r.mutable_company()->set_domain("not a domain");
  r.mutable_company()->set_region(std::string(40, 'x'));
  for (int i = 0; i < 21; ++i) r.add_product_lines("p" + std::to_string(i));
  r.set_notes(std::string(4001, 'n'));
  auto form = ReadLeadForm(r, LeadLimits{}, kNow);
  ASSERT_EQ(form.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(form.status().message());
  for (const char* field : {"idempotency_key", "source.channel", "contact.buying_role", "contact",
                            "company.domain", "company.region", "product_lines", "notes"}) {
    EXPECT_NE(message.find(field), std::string::npos) << field << " missing in " << message;
  }
  EXPECT_TRUE(form.status().GetPayload("type.googleapis.com/google.rpc.BadRequest").has_value());
}

TEST(LeadFormTest, OccurredAtMustBeSane) {
  auto future = Valid();
  future.mutable_occurred_at()->set_seconds(1'790'000'000 + 3600);
  EXPECT_NE(ReadLeadForm(future, LeadLimits{}, kNow).status().message().find("in the future"),
            std::string::npos);
  auto ancient = Valid();
  ancient.mutable_occurred_at()->set_seconds(1'790'000'000 - 400 * 86400);
  EXPECT_NE(ReadLeadForm(ancient, LeadLimits{}, kNow).status().message().find("year ago"),
            std::string::npos);
  auto skewed = Valid();
  skewed.mutable_occurred_at()->set_seconds(1'790'000'000 + 60);  // within the clock skew
  auto ok = ReadLeadForm(skewed, LeadLimits{}, kNow);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->occurred_at, kNow + absl::Seconds(60));
  auto broken = Valid();
  broken.mutable_occurred_at()->set_nanos(-1);
  EXPECT_NE(ReadLeadForm(broken, LeadLimits{}, kNow).status().message().find("occurred_at"),
            std::string::npos);
}

TEST(LeadFormTest, PhoneOrEmailIsEnoughAndBadOnesAreNamed) {
  auto phone_only = Valid();
  phone_only.mutable_contact()->clear_email();
  EXPECT_TRUE(ReadLeadForm(phone_only, LeadLimits{}, kNow).ok());
  auto bad = Valid();
  bad.mutable_contact()->set_phone("12345");
  bad.mutable_contact()->set_email("nobody");
  auto form = ReadLeadForm(bad, LeadLimits{}, kNow);
  ASSERT_FALSE(form.ok());
  EXPECT_NE(form.status().message().find("contact.phone"), std::string::npos);
  EXPECT_NE(form.status().message().find("contact.email"), std::string::npos);
}

}  // namespace
}  // namespace firstline::lead_intake
