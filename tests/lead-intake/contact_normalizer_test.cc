#include "lead-intake/contact_normalizer.h"

#include <gtest/gtest.h>

namespace firstline::lead_intake {
namespace {

struct PhoneCase {
  const char* raw;
  const char* e164;
};

TEST(NormalizePhoneTest, ChineseFormsAllReachE164) {
  const PhoneCase cases[] = {
      {"13812345678", "+8613812345678"},
      {"138 1234 5678", "+8613812345678"},
      {"138-1234-5678", "+8613812345678"},
      {"+86 138 1234 5678", "+8613812345678"},
      {"0086-138-1234-5678", "+8613812345678"},
      {"8613812345678", "+8613812345678"},
      {"１３８１２３４５６７８", "+8613812345678"},  // full-width digits
      {"＋８６ １３８１２３４５６７８", "+8613812345678"},
      {"(0571) 8888-6666", "+8657188886666"},  // Hangzhou landline with trunk 0
      {"010-12345678", "+861012345678"},
      {"+1 (415) 555-0100", "+14155550100"},
      {"0044 20 7946 0018", "+442079460018"},
  };
  for (const auto& c : cases) {
    auto got = NormalizePhone(c.raw);
    ASSERT_TRUE(got.ok()) << c.raw << ": " << got.status();
    EXPECT_EQ(*got, c.e164) << c.raw;
  }
}

TEST(NormalizePhoneTest, BadNumbersSayWhy) {
  for (const char* bad :
       {"", "abc", "1381234567", "12812345678", "138123456789", "+1 23", "138 1234 5678 ext 5"}) {
    auto got = NormalizePhone(bad);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(got.status().message().find("phone"), absl::string_view::npos) << bad;
  }
}

TEST(NormalizePhoneTest, OtherDefaultCountry) {
  EXPECT_EQ(NormalizePhone("030 1234567", "49").value_or(""), "+49301234567");
  EXPECT_EQ(NormalizePhone("+86 13812345678", "49").value_or(""), "+8613812345678");
}

TEST(NormalizeEmailTest, TrimsLowerCasesAndValidates) {
  EXPECT_EQ(NormalizeEmail("  Li.Wei@Example.COM ").value_or(""), "li.wei@example.com");
  for (const char* bad :
       {"", "nobody", "@example.com", "a@b", "a@@b.com", "a b@c.com", "a@b..com", "a@.com"}) {
    EXPECT_FALSE(NormalizeEmail(bad).ok()) << bad;
  }
  EXPECT_FALSE(NormalizeEmail(std::string(250, 'a') + "@b.com").ok());
}

TEST(CompanyDomainTest, FreeMailGivesNoDomain) {
  EXPECT_EQ(CompanyDomainOf("li@acme-soft.cn"), "acme-soft.cn");
  EXPECT_EQ(CompanyDomainOf("li@qq.com"), "");
  EXPECT_EQ(CompanyDomainOf("li@163.com"), "");
  EXPECT_EQ(CompanyDomainOf("li@gmail.com"), "");
  EXPECT_TRUE(IsFreeMailDomain("outlook.com"));
  EXPECT_FALSE(IsFreeMailDomain("example.com"));
}

TEST(CompanyMatchKeyTest, LegalFormsPunctuationWidthAndCaseDoNotMatter) {
  EXPECT_EQ(CompanyMatchKey("杭州某某软件有限公司"), "杭州某某软件");
  EXPECT_EQ(CompanyMatchKey("杭州某某软件股份有限公司"), "杭州某某软件");
  EXPECT_EQ(CompanyMatchKey("杭州某某软件（集团）有限公司"), "杭州某某软件");
  EXPECT_EQ(CompanyMatchKey("杭州某某软件集团"), "杭州某某软件");
  EXPECT_EQ(CompanyMatchKey(" 杭州 某某 软件 "), "杭州某某软件");
  EXPECT_EQ(CompanyMatchKey("Acme Software Co., Ltd."), "acme software");
  EXPECT_EQ(CompanyMatchKey("ACME SOFTWARE CO LTD"), "acme software");
  EXPECT_EQ(CompanyMatchKey("Ａｃｍｅ　Ｓｏｆｔｗａｒｅ，Ｉｎｃ．"), "acme software");
  EXPECT_EQ(CompanyMatchKey("Müller GmbH"), "müller");
  EXPECT_EQ(CompanyMatchKey("Disco"), "disco") << "'co' is removed only as a word";
  EXPECT_NE(CompanyMatchKey("Acme Soft"), CompanyMatchKey("Acme Software"));
}

}  // namespace
}  // namespace firstline::lead_intake
