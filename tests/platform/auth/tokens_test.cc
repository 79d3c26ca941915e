#include "platform/auth/tokens.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "platform/auth/rpc_authorizer.h"

namespace firstline::platform {
namespace {

constexpr char kSecret[] = "test-secret-test-secret-test-secret!";

class TokensTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  TokenIssuer issuer_{kSecret, clock_};
  TokenVerifier verifier_{kSecret, clock_};
};

TEST_F(TokensTest, RoundTripsThePrincipal) {
  auto token = issuer_.Mint({"rep-7", PrincipalKind::kRep, "partner-acme"}, absl::Hours(1));
  ASSERT_TRUE(token.ok()) << token.status();
  auto p = verifier_.Verify(*token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "rep-7");
  EXPECT_EQ(p->kind, PrincipalKind::kRep);
  EXPECT_EQ(p->organisation, "partner-acme");
}

TEST_F(TokensTest, ExpiredTokenIsUnauthenticated) {
  auto token = issuer_.Mint({"rep-7", PrincipalKind::kRep, "vendor"}, absl::Minutes(5));
  ASSERT_TRUE(token.ok());
  clock_.Advance(absl::Minutes(5));
  auto p = verifier_.Verify(*token);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(p.status().message().find("expired"), absl::string_view::npos);
}

TEST_F(TokensTest, ARememberedTokenStillExpires) {
  auto token = issuer_.Mint({"rep-7", PrincipalKind::kRep, "vendor"}, absl::Minutes(5));
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(verifier_.Verify(*token).ok());
  ASSERT_TRUE(verifier_.Verify(*token).ok());
  EXPECT_EQ(verifier_.cached(), 1u);
  clock_.Advance(absl::Minutes(5));
  auto p = verifier_.Verify(*token);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(p.status().message().find("expired"), absl::string_view::npos);
  EXPECT_EQ(verifier_.cached(), 0u);
}

TEST_F(TokensTest, OnlyTheExactBytesOfAVerifiedTokenPassWithoutBeingChecked) {
  auto token = issuer_.Mint({"rep-7", PrincipalKind::kRep, "vendor"}, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(verifier_.Verify(*token).ok());
  std::string forged = *token;
  char& c = forged[forged.size() - 10];  // inside the signature: every bit of it counts
  c = c == 'A' ? 'B' : 'A';              // another signature, same claims
  EXPECT_EQ(verifier_.Verify(forged).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier_.Verify(forged + "x").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier_.cached(), 1u);  // refused tokens are not remembered
}

TEST_F(TokensTest, RememberedTokensStayWithinTheCapacityAndEachKeepsItsOwnPrincipal) {
  TokenVerifier small(kSecret, clock_, 3);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5; ++i) {
      const std::string who = "rep-" + std::to_string(i);
      auto token = issuer_.Mint({who, PrincipalKind::kRep, "vendor"}, absl::Hours(1));
      ASSERT_TRUE(token.ok());
      auto p = small.Verify(*token);
      ASSERT_TRUE(p.ok()) << p.status();
      EXPECT_EQ(p->subject, who);
      EXPECT_LE(small.cached(), 3u);
    }
    clock_.Advance(absl::Seconds(1));  // the next round's tokens differ (iat, exp)
  }
}

TEST_F(TokensTest, OtherSecretIsUnauthenticated) {
  TokenIssuer other("another-secret-another-secret-another", clock_);
  auto token = other.Mint({"op", PrincipalKind::kOperator, "vendor"}, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(verifier_.Verify(*token).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokensTest, TamperedPayloadIsUnauthenticated) {
  auto token = issuer_.Mint({"rep-7", PrincipalKind::kRep, "vendor"}, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  std::vector<std::string> parts = absl::StrSplit(*token, '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  // Promote the rep to operator while keeping the original signature.
  auto pos = payload.find("\"rep\"");
  ASSERT_NE(pos, std::string::npos);
  payload.replace(pos, 5, "\"operator\"");
  std::string forged = parts[0] + "." + absl::WebSafeBase64Escape(payload) + "." + parts[2];
  EXPECT_EQ(verifier_.Verify(forged).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokensTest, AlgNoneIsRefused) {
  std::string header = absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})");
  std::string payload = absl::WebSafeBase64Escape(
      R"({"sub":"x","kind":"operator","org":"vendor","iss":"firstline","exp":4102444800})");
  EXPECT_EQ(verifier_.Verify(header + "." + payload + ".").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(TokensTest, GarbageAndEmptyAreUnauthenticated) {
  EXPECT_EQ(verifier_.Verify("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier_.Verify("not.a.jwt").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokensTest, ShortSecretIsRefusedWhenMinting) {
  TokenIssuer weak("short", clock_);
  EXPECT_EQ(weak.Mint({"a", PrincipalKind::kRep, "v"}, absl::Hours(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TokensTest, AuthorizerChecksSchemeTokenAndKind) {
  RpcAuthorizer authorizer(verifier_);
  authorizer.Allow("/svc/Write", {PrincipalKind::kOperator});
  auto rep = issuer_.Mint({"rep-1", PrincipalKind::kRep, "vendor"}, absl::Hours(1));
  auto op = issuer_.Mint({"op-1", PrincipalKind::kOperator, "vendor"}, absl::Hours(1));
  ASSERT_TRUE(rep.ok() && op.ok());
  EXPECT_TRUE(authorizer.Authorize("Bearer " + *op, "/svc/Write").ok());
  EXPECT_TRUE(authorizer.Authorize("bearer " + *op, "/svc/Write").ok());
  EXPECT_EQ(authorizer.Authorize("Bearer " + *rep, "/svc/Write").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(authorizer.Authorize("Bearer " + *op, "/svc/Undeclared").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(authorizer.Authorize("", "/svc/Write").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(authorizer.Authorize("Basic abc", "/svc/Write").status().code(),
            absl::StatusCode::kUnauthenticated);
  // The token never appears in an error message.
  auto denied = authorizer.Authorize("Bearer " + *rep, "/svc/Write");
  EXPECT_EQ(denied.status().message().find(*rep), absl::string_view::npos);
}

}  // namespace
}  // namespace firstline::platform
