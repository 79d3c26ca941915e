#include "channel-attribution/attribution_proto.h"

#include "absl/strings/str_cat.h"

namespace firstline::attribution {

v1::AttributionModel ToProtoModel(Model m) {
  switch (m) {
    case Model::kFirstTouch:
      return v1::ATTRIBUTION_MODEL_FIRST_TOUCH;
    case Model::kLastTouch:
      return v1::ATTRIBUTION_MODEL_LAST_TOUCH;
    case Model::kLinear:
      return v1::ATTRIBUTION_MODEL_LINEAR;
    case Model::kUShaped:
      return v1::ATTRIBUTION_MODEL_U_SHAPED;
    case Model::kWShaped:
      return v1::ATTRIBUTION_MODEL_W_SHAPED;
    case Model::kFullPath:
      return v1::ATTRIBUTION_MODEL_FULL_PATH;
    case Model::kTimeDecay:
      return v1::ATTRIBUTION_MODEL_TIME_DECAY;
    case Model::kMarkov:
      return v1::ATTRIBUTION_MODEL_MARKOV;
  }
  return v1::ATTRIBUTION_MODEL_UNSPECIFIED;
}

absl::StatusOr<Model> FromProtoModel(v1::AttributionModel m, const std::string& field) {
  for (Model model : {Model::kFirstTouch, Model::kLastTouch, Model::kLinear, Model::kUShaped,
                      Model::kWShaped, Model::kFullPath, Model::kTimeDecay, Model::kMarkov}) {
    if (ToProtoModel(model) == m) return model;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": ", m == v1::ATTRIBUTION_MODEL_UNSPECIFIED ? "is required" : "unknown model ",
      m == v1::ATTRIBUTION_MODEL_UNSPECIFIED ? "" : std::to_string(m),
      " (first touch, last touch, linear, u-shaped, w-shaped, full path, time decay, "
      "markov)"));
}

absl::StatusOr<Grouping> FromProtoGrouping(v1::ReportGrouping g, const std::string& field) {
  switch (g) {
    case v1::REPORT_GROUPING_UNSPECIFIED:
    case v1::REPORT_GROUPING_CHANNEL:
      return Grouping::kChannel;
    case v1::REPORT_GROUPING_CAMPAIGN:
      return Grouping::kCampaign;
    case v1::REPORT_GROUPING_KEYWORD:
      return Grouping::kKeyword;
    case v1::REPORT_GROUPING_PARTNER:
      return Grouping::kPartner;
    case v1::REPORT_GROUPING_REGION:
      return Grouping::kRegion;
    default:
      return absl::InvalidArgumentError(absl::StrCat(field, ": unknown grouping ", g));
  }
}

}  // namespace firstline::attribution
