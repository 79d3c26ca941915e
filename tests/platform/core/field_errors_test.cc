#include "platform/core/field_errors.h"

#include <gtest/gtest.h>

#include "firstline/v1/common.pb.h"
#include "firstline/v1/rpc_status.pb.h"
#include "platform/grpc/status_conversion.h"

namespace firstline::platform {
namespace {

TEST(FieldErrorsTest, EmptyIsOk) { EXPECT_TRUE(FieldErrors().ToStatus().ok()); }

TEST(FieldErrorsTest, NamesEveryFieldInMessageAndDetails) {
  FieldErrors errors;
  errors.Add("contact.phone", "not a phone number");
  errors.Add("company.region", "unknown region code");
  absl::Status st = errors.ToStatus();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("contact.phone: not a phone number"), absl::string_view::npos);
  EXPECT_NE(st.message().find("company.region"), absl::string_view::npos);

  grpc::Status g = ToGrpcStatus(st);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  firstline::v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(g.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.BadRequest");
  firstline::v1::BadRequest bad;
  ASSERT_TRUE(bad.ParseFromString(details.details(0).value()));
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(0).field(), "contact.phone");
  EXPECT_EQ(bad.field_violations(1).field(), "company.region");
}

TEST(StatusConversionTest, KeepsCodeAndMessageBothWays) {
  grpc::Status g = ToGrpcStatus(absl::NotFoundError("lead 42 not found"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(g.error_message(), "lead 42 not found");
  EXPECT_TRUE(g.error_details().empty());
  absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace firstline::platform
