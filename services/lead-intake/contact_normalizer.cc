#include "lead-intake/contact_normalizer.h"

#include <array>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace firstline::lead_intake {
namespace {

// Decodes UTF-8 into code points; invalid bytes become U+FFFD so they never match anything.
std::vector<uint32_t> Decode(absl::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

void Encode(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Full-width forms (U+FF01..U+FF5E) and the ideographic space to their ASCII counterparts.
uint32_t HalfWidth(uint32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;
  if (cp == 0x3000) return ' ';
  return cp;
}

bool IsCjkPunctuation(uint32_t cp) {
  return (cp >= 0x3001 && cp <= 0x303F) || cp == 0x00B7 || cp == 0x2014 || cp == 0x2018 ||
         cp == 0x2019 || cp == 0x201C || cp == 0x201D || cp == 0x2026;
}

}  // namespace

absl::StatusOr<std::string> NormalizePhone(absl::string_view raw,
                                           absl::string_view default_country_code) {
  std::string digits;
  bool plus = false;
  for (uint32_t cp : Decode(raw)) {
    cp = HalfWidth(cp);
    if (cp >= '0' && cp <= '9') {
      digits.push_back(static_cast<char>(cp));
    } else if (cp == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (cp == ' ' || cp == '-' || cp == '.' || cp == '(' || cp == ')' || cp == '/') {
      continue;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("phone: unexpected character in '", raw, "'"));
    }
  }
  if (digits.empty()) return absl::InvalidArgumentError("phone: no digits");
  std::string country(default_country_code);
  std::string national;
  if (plus) {
    national = digits;  // country code included, split below
  } else if (absl::StartsWith(digits, "00")) {
    national = digits.substr(2);
    plus = true;
  } else if (country == "86" && absl::StartsWith(digits, "86") && digits.size() == 13) {
    national = digits;  // "86" + 11-digit mobile typed without "+"
    plus = true;
  }
  std::string e164;
  if (plus) {
    if (absl::StartsWith(national, "86")) {
      country = "86";
      national = national.substr(2);
    } else {
      // Another country: keep the digits as given, checked for E.164 length only.
      if (national.size() < 8 || national.size() > 15) {
        return absl::InvalidArgumentError("phone: international numbers have 8-15 digits");
      }
      return absl::StrCat("+", national);
    }
  } else {
    national = digits;
  }
  if (country == "86") {
    if (absl::StartsWith(national, "0") && !absl::StartsWith(national, "00")) {
      national = national.substr(1);  // trunk prefix of a landline
      // Area codes: 10 (Beijing), 2x, or three digits from 3xx to 9xx.
      if (national.size() < 9 || national.size() > 11 ||
          (national[0] == '1' && national[1] != '0')) {
        return absl::InvalidArgumentError(
            "phone: a Chinese landline is an area code and 7-8 digits");
      }
    } else if (national.size() == 11 && national[0] == '1') {
      if (national[1] < '3') return absl::InvalidArgumentError("phone: mobile numbers start 13-19");
    } else if (national.size() >= 9 && national.size() <= 11 &&
               (national[0] != '1' || absl::StartsWith(national, "10"))) {
      // landline typed with its area code but without the trunk 0
    } else {
      return absl::InvalidArgumentError(
          "phone: not a Chinese mobile (11 digits) or landline (area code + 7-8 digits)");
    }
    return absl::StrCat("+86", national);
  }
  if (absl::StartsWith(national, "0")) national = national.substr(1);
  e164 = absl::StrCat("+", country, national);
  if (e164.size() < 9 || e164.size() > 16) {
    return absl::InvalidArgumentError("phone: E.164 numbers have 8-15 digits");
  }
  return e164;
}

absl::StatusOr<std::string> NormalizeEmail(absl::string_view raw) {
  std::string email(absl::StripAsciiWhitespace(raw));
  absl::AsciiStrToLower(&email);
  if (email.size() > 254) return absl::InvalidArgumentError("email: longer than 254 characters");
  auto at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
    return absl::InvalidArgumentError("email: must be local@domain");
  }
  std::string domain = email.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 2 > domain.size() ||
      domain.find("..") != std::string::npos) {
    return absl::InvalidArgumentError("email: the domain needs a dot and a top-level domain");
  }
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == ';') {
      return absl::InvalidArgumentError("email: contains spaces or separators");
    }
  }
  return email;
}

bool IsFreeMailDomain(absl::string_view domain) {
  static constexpr std::array<absl::string_view, 24> kFree = {
      "qq.com",      "foxmail.com", "163.com",   "126.com",        "yeah.net",   "sina.com",
      "sina.cn",     "sohu.com",    "139.com",   "189.cn",         "aliyun.com", "gmail.com",
      "outlook.com", "hotmail.com", "live.com",  "yahoo.com",      "icloud.com", "me.com",
      "msn.com",     "aol.com",     "proton.me", "protonmail.com", "gmx.de",     "mail.com"};
  for (absl::string_view f : kFree) {
    if (domain == f) return true;
  }
  return false;
}

std::string CompanyDomainOf(absl::string_view normalized_email) {
  auto at = normalized_email.find('@');
  if (at == absl::string_view::npos) return "";
  std::string domain(normalized_email.substr(at + 1));
  return IsFreeMailDomain(domain) ? "" : domain;
}

std::string CompanyMatchKey(absl::string_view name) {
  // Half-width, lower case, punctuation to spaces.
  std::string text;
  for (uint32_t cp : Decode(name)) {
    cp = HalfWidth(cp);
    if (cp < 0x80) {
      char c = absl::ascii_tolower(static_cast<char>(cp));
      text.push_back(absl::ascii_ispunct(c) ? ' ' : c);
    } else if (IsCjkPunctuation(cp)) {
      text.push_back(' ');
    } else {
      Encode(cp, text);
    }
  }
  // Legal forms and group markers say nothing about which company it is. Longest first.
  static constexpr std::array<absl::string_view, 16> kSuffixes = {
      "股份有限公司", "有限责任公司", "有限公司", "集团",  "公司",  " corporation",
      " company",     " limited",     " co ltd",  " gmbh", " corp", " inc",
      " llc",         " ltd",         " co",      " ag"};
  bool changed = true;
  while (changed) {
    changed = false;
    absl::string_view trimmed = absl::StripAsciiWhitespace(text);
    for (absl::string_view suffix : kSuffixes) {
      absl::string_view core = absl::StripAsciiWhitespace(suffix);
      if (trimmed.size() > core.size() && absl::EndsWith(trimmed, core)) {
        // Latin forms only as whole words ("disco" keeps its "co").
        bool latin = static_cast<unsigned char>(core[0]) < 0x80;
        if (latin && trimmed[trimmed.size() - core.size() - 1] != ' ') continue;
        trimmed.remove_suffix(core.size());
        changed = true;
        break;
      }
    }
    std::string next(trimmed);  // `trimmed` points into `text`: copy before replacing it
    text.swap(next);
    // A bracketed group marker in the middle ("（集团）") leaves "集团" between spaces.
    for (absl::string_view inner : {" 集团 ", " group "}) {
      auto pos = text.find(std::string(inner));
      if (pos != std::string::npos) {
        text = absl::StrCat(text.substr(0, pos), " ", text.substr(pos + inner.size()));
        changed = true;
      }
    }
  }
  // Collapse whitespace; CJK names compare without spaces.
  std::string key;
  bool space = false;
  for (char c : text) {
    if (c == ' ') {
      space = !key.empty();
      continue;
    }
    if (space) {
      bool prev_ascii = static_cast<unsigned char>(key.back()) < 0x80;
      bool next_ascii = static_cast<unsigned char>(c) < 0x80;
      if (prev_ascii && next_ascii) key.push_back(' ');
      space = false;
    }
    key.push_back(c);
  }
  return key;
}

}  // namespace firstline::lead_intake
