#include "crdt/lib0/any.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>

#include "crdt/lib0/utf8.h"

namespace symphony::crdt {

namespace {

template <class T>
const T& EmptyOf() {
  static const T* const kEmpty = new T();
  return *kEmpty;
}

// Value of a canonical array-index key; the caller has checked IsArrayIndexKey.
uint32_t IndexValue(std::string_view key) {
  uint64_t v = 0;
  for (char c : key) v = v * 10 + static_cast<uint64_t>(c - '0');
  return static_cast<uint32_t>(v);
}

}  // namespace

Any Any::Null() {
  Any a;
  a.type_ = Type::kNull;
  return a;
}

Any Any::Bool(bool b) {
  Any a;
  a.type_ = Type::kBool;
  a.b_ = b;
  return a;
}

Any Any::Number(double d) {
  Any a;
  a.type_ = Type::kNumber;
  a.d_ = d;
  return a;
}

Any Any::BigInt(int64_t v) {
  Any a;
  a.type_ = Type::kBigInt;
  a.i_ = v;
  return a;
}

Any Any::String(std::string s) {
  Any a;
  a.type_ = Type::kString;
  a.heap_ = std::make_shared<std::string>(std::move(s));
  return a;
}

Any Any::Bytes(std::vector<uint8_t> b) {
  Any a;
  a.type_ = Type::kBytes;
  a.heap_ = std::make_shared<std::vector<uint8_t>>(std::move(b));
  return a;
}

Any Any::MakeArray(Array arr) {
  Any a;
  a.type_ = Type::kArray;
  a.heap_ = std::make_shared<Array>(std::move(arr));
  return a;
}

Any Any::MakeObject() {
  Any a;
  a.type_ = Type::kObject;
  a.heap_ = std::make_shared<Object>();
  return a;
}

const std::string& Any::as_string() const {
  if (type_ != Type::kString) return EmptyOf<std::string>();
  return *static_cast<const std::string*>(heap_.get());
}

const std::vector<uint8_t>& Any::as_bytes() const {
  if (type_ != Type::kBytes) return EmptyOf<std::vector<uint8_t>>();
  return *static_cast<const std::vector<uint8_t>*>(heap_.get());
}

const Any::Array& Any::as_array() const {
  if (type_ != Type::kArray) return EmptyOf<Array>();
  return *static_cast<const Array*>(heap_.get());
}

Any::Array& Any::as_array() {
  if (type_ != Type::kArray) {
    *this = MakeArray();
  } else if (heap_.use_count() > 1) {
    heap_ = std::make_shared<Array>(*static_cast<const Array*>(heap_.get()));
  }
  return *static_cast<Array*>(heap_.get());
}

const Any::Object& Any::as_object() const {
  if (type_ != Type::kObject) return EmptyOf<Object>();
  return *static_cast<const Object*>(heap_.get());
}

void Any::Set(std::string key, Any value) {
  if (type_ != Type::kObject) {
    *this = MakeObject();
  } else if (heap_.use_count() > 1) {
    heap_ = std::make_shared<Object>(*static_cast<const Object*>(heap_.get()));
  }
  Object& obj = *static_cast<Object*>(heap_.get());
  for (auto& [k, v] : obj) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  if (!IsArrayIndexKey(key)) {
    obj.emplace_back(std::move(key), std::move(value));
    return;
  }
  const uint32_t idx = IndexValue(key);
  auto it = obj.begin();
  while (it != obj.end() && IsArrayIndexKey(it->first) && IndexValue(it->first) < idx) ++it;
  obj.emplace(it, std::move(key), std::move(value));
}

const Any* Any::Get(std::string_view key) const {
  for (const auto& [k, v] : as_object()) {
    if (k == key) return &v;
  }
  return nullptr;
}

Any Any::ObjectFromEntries(std::vector<std::pair<std::string, Any>> entries) {
  Any result = MakeObject();
  if (entries.size() <= 16) {
    for (auto& [k, v] : entries) result.Set(std::move(k), std::move(v));
    return result;
  }
  Object& out = *static_cast<Object*>(result.heap_.get());
  out.reserve(entries.size());  // no reallocation below: the map's views stay valid
  std::unordered_map<std::string_view, size_t> where;
  where.reserve(entries.size());
  size_t num_index = 0;
  for (auto& [k, v] : entries) {
    auto found = where.find(k);
    if (found != where.end()) {
      out[found->second].second = std::move(v);
      continue;
    }
    num_index += IsArrayIndexKey(k) ? 1 : 0;
    out.emplace_back(std::move(k), std::move(v));
    where.emplace(out.back().first, out.size() - 1);
  }
  if (num_index > 0) {
    std::stable_partition(out.begin(), out.end(),
                          [](const auto& e) { return IsArrayIndexKey(e.first); });
    std::sort(out.begin(), out.begin() + static_cast<ptrdiff_t>(num_index),
              [](const auto& a, const auto& b) {
                return IndexValue(a.first) < IndexValue(b.first);
              });
  }
  return result;
}

bool operator==(const Any& a, const Any& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Any::Type::kUndefined:
    case Any::Type::kNull:
      return true;
    case Any::Type::kBool:
      return a.b_ == b.b_;
    case Any::Type::kNumber:
      if (std::isnan(a.d_)) return std::isnan(b.d_);
      return a.d_ == b.d_ && std::signbit(a.d_) == std::signbit(b.d_);
    case Any::Type::kBigInt:
      return a.i_ == b.i_;
    case Any::Type::kString:
      return a.as_string() == b.as_string();
    case Any::Type::kBytes:
      return a.as_bytes() == b.as_bytes();
    case Any::Type::kArray:
      return a.as_array() == b.as_array();
    case Any::Type::kObject:
      return a.as_object() == b.as_object();
  }
  return false;
}

bool IsArrayIndexKey(std::string_view key) {
  if (key.empty() || key.size() > 10) return false;
  if (key[0] == '0') return key.size() == 1;
  uint64_t v = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v <= 4294967294ull;
}

// ---------------------------------------------------------------------------------------------
// Number formatting (ECMA-262 Number::toString with radix 10).

namespace {

void AppendJsNumber(std::string* out, double d) {
  if (std::isnan(d)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(d)) {
    out->append(d < 0 ? "-Infinity" : "Infinity");
    return;
  }
  if (d == 0) {  // also -0
    out->push_back('0');
    return;
  }
  if (d < 0) {
    out->push_back('-');
    d = -d;
  }
  // Fast path for integers that print without exponent.
  if (d < 1e15 && d == std::floor(d)) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<uint64_t>(d));
    out->append(buf, r.ptr);
    return;
  }
  // Shortest round-trip digits; scientific form gives them as d.ddde[+-]xx.
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  const size_t epos = sci.find('e');
  char digits[24];
  int k = 0;
  for (size_t i = 0; i < epos; ++i) {
    if (sci[i] != '.') digits[k++] = sci[i];
  }
  int exp10 = 0;
  std::from_chars(sci.data() + epos + (sci[epos + 1] == '+' ? 2 : 1), sci.data() + sci.size(),
                  exp10);
  const int n = exp10 + 1;  // value = 0.digits * 10^n
  if (k <= n && n <= 21) {
    out->append(digits, static_cast<size_t>(k));
    out->append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out->append(digits, static_cast<size_t>(n));
    out->push_back('.');
    out->append(digits + n, static_cast<size_t>(k - n));
  } else if (-6 < n && n <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-n), '0');
    out->append(digits, static_cast<size_t>(k));
  } else {
    out->push_back(digits[0]);
    if (k > 1) {
      out->push_back('.');
      out->append(digits + 1, static_cast<size_t>(k - 1));
    }
    out->push_back('e');
    const int e = n - 1;
    out->push_back(e < 0 ? '-' : '+');
    out->append(std::to_string(e < 0 ? -e : e));
  }
}

// ---------------------------------------------------------------------------------------------
// JSON.stringify

void AppendJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (!lib0::IsValidUtf8(s)) {
    std::string clean;
    lib0::AppendSanitizedUtf8(&clean, s);
    AppendJsonString(out, clean);
    return;
  }
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendJson(std::string* out, const Any& v) {
  switch (v.type()) {
    case Any::Type::kUndefined:  // only reached inside arrays
    case Any::Type::kNull:
      out->append("null");
      return;
    case Any::Type::kBool:
      out->append(v.as_bool() ? "true" : "false");
      return;
    case Any::Type::kNumber:
      if (std::isfinite(v.as_number())) {
        AppendJsNumber(out, v.as_number());
      } else {
        out->append("null");
      }
      return;
    case Any::Type::kBigInt:
      out->append(std::to_string(v.as_bigint()));
      return;
    case Any::Type::kString:
      AppendJsonString(out, v.as_string());
      return;
    case Any::Type::kBytes: {
      out->push_back('{');
      const auto& b = v.as_bytes();
      for (size_t i = 0; i < b.size(); ++i) {
        if (i > 0) out->push_back(',');
        out->push_back('"');
        out->append(std::to_string(i));
        out->append("\":");
        out->append(std::to_string(b[i]));
      }
      out->push_back('}');
      return;
    }
    case Any::Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Any& e : v.as_array()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(out, e);
      }
      out->push_back(']');
      return;
    }
    case Any::Type::kObject: {
      out->push_back('{');
      bool first = true;
      for (const auto& [k, e] : v.as_object()) {
        if (e.is_undefined()) continue;
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(out, k);
        out->push_back(':');
        AppendJson(out, e);
      }
      out->push_back('}');
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// JSON.parse

class JsonParser {
 public:
  JsonParser(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

  Result<Any> Parse() {
    SkipWs();
    Any v = ParseValue(0);
    if (!status_.ok()) return status_;
    SkipWs();
    if (pos_ < s_.size()) {
      Error(StatusCode::kInvalid, "unexpected text after JSON value");
      return status_;
    }
    return v;
  }

 private:
  void Error(StatusCode code, std::string msg) { Error(code, std::move(msg), pos_); }
  void Error(StatusCode code, std::string msg, size_t at) {
    if (status_.ok()) status_ = Status(code, std::move(msg), at);
    pos_ = s_.size();
  }
  void Unexpected() {
    if (pos_ >= s_.size()) return Error(StatusCode::kInvalid, "unexpected end of JSON input");
    const auto c = static_cast<unsigned char>(s_[pos_]);
    if (c >= 0x20 && c < 0x7F) {
      return Error(StatusCode::kInvalid, std::string("unexpected character '") +
                                             static_cast<char>(c) + "' in JSON");
    }
    Error(StatusCode::kInvalid, "unexpected byte " + std::to_string(c) + " in JSON");
  }

  void SkipWs() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Any ParseValue(int depth) {
    if (pos_ >= s_.size()) {
      Unexpected();
      return Any();
    }
    switch (s_[pos_]) {
      case '{':
        return ParseObject(depth + 1);
      case '[':
        return ParseArray(depth + 1);
      case '"': {
        std::string str;
        if (!ParseString(&str)) return Any();
        return Any::String(std::move(str));
      }
      case 't':
        if (Literal("true")) return Any::Bool(true);
        break;
      case 'f':
        if (Literal("false")) return Any::Bool(false);
        break;
      case 'n':
        if (Literal("null")) return Any::Null();
        break;
      default:
        if (s_[pos_] == '-' || (s_[pos_] >= '0' && s_[pos_] <= '9')) return ParseNumber();
    }
    Unexpected();
    return Any();
  }

  Any ParseArray(int depth) {
    if (depth > max_depth_) {
      Error(StatusCode::kLimit, "JSON nesting deeper than " + std::to_string(max_depth_));
      return Any();
    }
    ++pos_;  // '['
    Any::Array arr;
    SkipWs();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return Any::MakeArray(std::move(arr));
    }
    while (true) {
      SkipWs();
      arr.push_back(ParseValue(depth));
      if (!status_.ok()) return Any();
      SkipWs();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return Any::MakeArray(std::move(arr));
      }
      Unexpected();
      return Any();
    }
  }

  Any ParseObject(int depth) {
    if (depth > max_depth_) {
      Error(StatusCode::kLimit, "JSON nesting deeper than " + std::to_string(max_depth_));
      return Any();
    }
    ++pos_;  // '{'
    std::vector<std::pair<std::string, Any>> entries;
    SkipWs();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return Any::MakeObject();
    }
    while (true) {
      SkipWs();
      if (pos_ >= s_.size() || s_[pos_] != '"') {
        Unexpected();
        return Any();
      }
      std::string key;
      if (!ParseString(&key)) return Any();
      SkipWs();
      if (pos_ >= s_.size() || s_[pos_] != ':') {
        Unexpected();
        return Any();
      }
      ++pos_;
      SkipWs();
      Any value = ParseValue(depth);
      if (!status_.ok()) return Any();
      entries.emplace_back(std::move(key), std::move(value));
      SkipWs();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return Any::ObjectFromEntries(std::move(entries));
      }
      Unexpected();
      return Any();
    }
  }

  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Reads 4 hex digits at pos_ (after "\u"); -1 if malformed.
  int32_t Hex4() {
    if (s_.size() - pos_ < 4) return -1;
    int32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = HexValue(s_[pos_ + static_cast<size_t>(i)]);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    pos_ += 4;
    return v;
  }

  bool ParseString(std::string* out) {
    const size_t start = pos_;
    ++pos_;  // opening quote
    const auto* p = reinterpret_cast<const uint8_t*>(s_.data());
    while (true) {
      size_t run = pos_;
      // The text was checked to be valid UTF-8 up front, so multi-byte sequences copy as is.
      while (pos_ < s_.size() && p[pos_] >= 0x20 && p[pos_] != '"' && p[pos_] != '\\') {
        ++pos_;
      }
      out->append(s_.data() + run, pos_ - run);
      if (pos_ >= s_.size()) {
        Error(StatusCode::kInvalid, "unterminated string in JSON", start);
        return false;
      }
      const uint8_t c = p[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) {
        Error(StatusCode::kInvalid, "bad control character in string literal in JSON");
        return false;
      }
      // Backslash escape.
      ++pos_;
      if (pos_ >= s_.size()) {
        Error(StatusCode::kInvalid, "unterminated string in JSON", start);
        return false;
      }
      const char e = s_[pos_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          int32_t u = Hex4();
          if (u < 0) {
            Error(StatusCode::kInvalid, "bad Unicode escape in JSON");
            return false;
          }
          if (u >= 0xD800 && u <= 0xDBFF && s_.size() - pos_ >= 6 && s_[pos_] == '\\' &&
              s_[pos_ + 1] == 'u') {
            const size_t save = pos_;
            pos_ += 2;
            const int32_t lo = Hex4();
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              pos_ = save;  // the next escape is parsed on its own
            }
          }
          if (u >= 0xD800 && u <= 0xDFFF) u = static_cast<int32_t>(lib0::kReplacementChar);
          lib0::AppendUtf8(out, static_cast<char32_t>(u));
          break;
        }
        default:
          pos_ -= 1;
          Error(StatusCode::kInvalid, "bad escaped character in JSON");
          return false;
      }
    }
  }

  Any ParseNumber() {
    const size_t start = pos_;
    auto digit = [&](size_t i) { return i < s_.size() && s_[i] >= '0' && s_[i] <= '9'; };
    bool neg = false;
    if (s_[pos_] == '-') {
      neg = true;
      ++pos_;
    }
    // Decimal exponent of the leading significant digit, to decide overflow vs underflow.
    int64_t lead_exp = 0;
    bool seen_nonzero = false;
    if (!digit(pos_)) {
      Unexpected();
      return Any();
    }
    if (s_[pos_] == '0') {
      ++pos_;
    } else {
      while (digit(pos_)) {
        if (seen_nonzero || s_[pos_] != '0') {
          seen_nonzero = true;
          ++lead_exp;
        }
        ++pos_;
      }
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digit(pos_)) {
        Unexpected();
        return Any();
      }
      while (digit(pos_)) {
        if (!seen_nonzero) {
          if (s_[pos_] != '0') {
            seen_nonzero = true;
          } else {
            --lead_exp;
          }
        }
        ++pos_;
      }
    }
    int64_t exp = 0;
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      bool eneg = false;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) {
        eneg = s_[pos_] == '-';
        ++pos_;
      }
      if (!digit(pos_)) {
        Unexpected();
        return Any();
      }
      while (digit(pos_)) {
        if (exp < 1000000000) exp = exp * 10 + (s_[pos_] - '0');
        ++pos_;
      }
      if (eneg) exp = -exp;
    }
    double d = 0;
    const char* first = s_.data() + start;
    auto r = std::from_chars(first, s_.data() + pos_, d);
    if (r.ec == std::errc::result_out_of_range) {
      if (!seen_nonzero) {
        d = 0;
      } else {
        d = lead_exp + exp > 0 ? HUGE_VAL : 0.0;
      }
      if (neg) d = -d;
    } else if (r.ec != std::errc() || r.ptr != s_.data() + pos_) {
      Error(StatusCode::kInvalid, "bad number in JSON", start);
      return Any();
    }
    return Any::Number(d);
  }

  std::string_view s_;
  int max_depth_;
  size_t pos_ = 0;
  Status status_;
};

}  // namespace

std::string JsNumberToString(double d) {
  std::string s;
  AppendJsNumber(&s, d);
  return s;
}

std::string StringifyJson(const Any& value) {
  if (value.is_undefined()) return "undefined";
  std::string out;
  AppendJson(&out, value);
  return out;
}

Result<Any> ParseJson(std::string_view text, int max_depth) {
  if (!lib0::IsValidUtf8(text)) {
    return Status(StatusCode::kInvalid, "invalid UTF-8 in JSON text", lib0::FindInvalidUtf8(text));
  }
  return JsonParser(text, max_depth).Parse();
}

}  // namespace symphony::crdt
