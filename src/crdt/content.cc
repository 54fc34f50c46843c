#include "crdt/content.h"

#include <cmath>
#include <utility>

#include "crdt/codec/update_decoder.h"
#include "crdt/codec/update_encoder.h"
#include "crdt/types/abstract_type.h"

namespace symphony::crdt {

Content::Content(Content&&) noexcept = default;
Content& Content::operator=(Content&&) noexcept = default;
Content::~Content() = default;

ContentRef Content::ref() const {
  static constexpr ContentRef kRefs[] = {ContentRef::kDeleted, ContentRef::kJson,
                                         ContentRef::kBinary,  ContentRef::kString,
                                         ContentRef::kEmbed,   ContentRef::kFormat,
                                         ContentRef::kType,    ContentRef::kAny,
                                         ContentRef::kDoc};
  return kRefs[v_.index()];
}

uint64_t Content::length() const {
  switch (v_.index()) {
    case 0: return std::get<DeletedContent>(v_).len;
    case 1: return std::get<JsonContent>(v_).arr.size();
    case 3: return std::get<StringContent>(v_).str.size();
    case 7: return std::get<AnyContent>(v_).arr.size();
    default: return 1;
  }
}

bool Content::countable() const {
  return !is<DeletedContent>() && !is<FormatContent>();
}

namespace {

bool IsHighSurrogate(char16_t c) { return c >= 0xD800 && c <= 0xDBFF; }

}  // namespace

Content Content::Splice(uint64_t offset) {
  switch (v_.index()) {
    case 0: {
      auto& d = std::get<DeletedContent>(v_);
      Content right(DeletedContent{d.len - offset});
      d.len = offset;
      return right;
    }
    case 1: {
      auto& a = std::get<JsonContent>(v_).arr;
      JsonContent r{std::vector<Any>(a.begin() + offset, a.end())};
      a.resize(offset);
      return Content(std::move(r));
    }
    case 3: {
      auto& s = std::get<StringContent>(v_).str;
      StringContent r{s.substr(offset)};
      s.resize(offset);
      // A surrogate pair cut in two would make both halves invalid: Yjs replaces each half
      // with U+FFFD so that encoded documents stay valid UTF-8.
      if (offset > 0 && IsHighSurrogate(s[offset - 1])) {
        s[offset - 1] = u'\uFFFD';
        if (!r.str.empty()) r.str[0] = u'\uFFFD';
      }
      return Content(std::move(r));
    }
    case 7: {
      auto& a = std::get<AnyContent>(v_).arr;
      AnyContent r{std::vector<Any>(a.begin() + offset, a.end())};
      a.resize(offset);
      return Content(std::move(r));
    }
    default:
      // Length-1 contents are never split.
      return Content();
  }
}

bool Content::MergeWith(Content& right) {
  if (v_.index() != right.v_.index()) return false;
  switch (v_.index()) {
    case 0: std::get<DeletedContent>(v_).len += right.as<DeletedContent>().len; return true;
    case 1: {
      auto& a = std::get<JsonContent>(v_).arr;
      auto& b = right.as<JsonContent>().arr;
      a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
      return true;
    }
    case 3: std::get<StringContent>(v_).str += right.as<StringContent>().str; return true;
    case 7: {
      auto& a = std::get<AnyContent>(v_).arr;
      auto& b = right.as<AnyContent>().arr;
      a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
      return true;
    }
    default: return false;
  }
}

Content Content::Copy() const {
  switch (v_.index()) {
    case 0: return Content(DeletedContent{std::get<DeletedContent>(v_).len});
    case 1: return Content(JsonContent{std::get<JsonContent>(v_).arr});
    case 2: return Content(BinaryContent{std::get<BinaryContent>(v_).bytes});
    case 3: return Content(StringContent{std::get<StringContent>(v_).str});
    case 4: return Content(EmbedContent{std::get<EmbedContent>(v_).value});
    case 5: {
      const auto& f = std::get<FormatContent>(v_);
      return Content(FormatContent{f.key, f.value});
    }
    case 6: return Content(TypeContent{std::get<TypeContent>(v_).type->CopyEmpty()});
    case 7: return Content(AnyContent{std::get<AnyContent>(v_).arr});
    default: {
      const auto& d = std::get<DocContent>(v_);
      DocContent c;
      c.guid = d.guid;
      c.gc = d.gc;
      c.auto_load = d.auto_load;
      c.should_load = d.should_load || d.auto_load;
      c.has_meta = d.has_meta;
      c.meta = d.meta;
      return Content(std::move(c));
    }
  }
}

Any DocContent::Opts() const {
  Any o = Any::MakeObject();
  if (!gc) o.Set("gc", Any::Bool(false));
  if (auto_load) o.Set("autoLoad", Any::Bool(true));
  if (has_meta) o.Set("meta", meta);
  return o;
}

void Content::Write(UpdateEncoder& enc, uint64_t offset) const {
  switch (v_.index()) {
    case 0: enc.WriteLen(std::get<DeletedContent>(v_).len - offset); break;
    case 1: {
      const auto& a = std::get<JsonContent>(v_).arr;
      enc.WriteLen(a.size() - offset);
      for (size_t i = offset; i < a.size(); i++) {
        enc.WriteStringUtf8(a[i].is_undefined() ? std::string("undefined") : StringifyJson(a[i]));
      }
      break;
    }
    case 2: enc.WriteBuf(*std::get<BinaryContent>(v_).bytes); break;
    case 3: {
      std::u16string_view s = std::get<StringContent>(v_).str;
      enc.WriteString(s.substr(offset));
      break;
    }
    case 4: enc.WriteJson(std::get<EmbedContent>(v_).value); break;
    case 5: {
      const auto& f = std::get<FormatContent>(v_);
      enc.WriteKey(f.key);
      enc.WriteJson(f.value);
      break;
    }
    case 6: std::get<TypeContent>(v_).type->Write(enc); break;
    case 7: {
      const auto& a = std::get<AnyContent>(v_).arr;
      enc.WriteLen(a.size() - offset);
      for (size_t i = offset; i < a.size(); i++) enc.WriteAny(a[i]);
      break;
    }
    default: {
      const auto& d = std::get<DocContent>(v_);
      enc.WriteStringUtf8(d.guid);
      enc.WriteAny(d.Opts());
      break;
    }
  }
}

Any Content::ValueAt(uint64_t i) const {
  switch (v_.index()) {
    case 1: return std::get<JsonContent>(v_).arr[i];
    case 2: return Any::Bytes(*std::get<BinaryContent>(v_).bytes);
    case 3: return Any::String(lib0::Utf16ToUtf8(std::get<StringContent>(v_).str.substr(i, 1)));
    case 4: return std::get<EmbedContent>(v_).value;
    case 7: return std::get<AnyContent>(v_).arr[i];
    default: return Any();
  }
}

bool JsStrictEquals(const Any& a, const Any& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Any::Type::kUndefined:
    case Any::Type::kNull: return true;
    case Any::Type::kBool: return a.as_bool() == b.as_bool();
    case Any::Type::kNumber: return a.as_number() == b.as_number();  // NaN != NaN, -0 == 0
    case Any::Type::kBigInt: return a.as_bigint() == b.as_bigint();
    case Any::Type::kString: return a.as_string() == b.as_string();
    case Any::Type::kBytes: return &a.as_bytes() == &b.as_bytes();
    case Any::Type::kArray: return &a.as_array() == &b.as_array();
    case Any::Type::kObject: return &a.as_object() == &b.as_object();
  }
  return false;
}

}  // namespace symphony::crdt

namespace symphony::crdt {

Content ReadContent(UpdateDecoder& dec, uint8_t info) {
  auto& rest = dec.rest();
  switch (static_cast<ContentRef>(info & 0x1F)) {
    case ContentRef::kDeleted: {
      uint64_t len = dec.ReadLen();
      if (len == 0 && !dec.failed()) rest.Fail(StatusCode::kInvalid, "deleted content of length 0");
      return Content(DeletedContent{len});
    }
    case ContentRef::kJson: {
      uint64_t len = dec.ReadLen();
      JsonContent c;
      if (len == 0 && !dec.failed()) rest.Fail(StatusCode::kInvalid, "JSON content of length 0");
      for (uint64_t i = 0; i < len && !dec.failed(); i++) {
        std::string s = dec.ReadStringUtf8();
        if (dec.failed()) break;
        if (s == "undefined") {
          c.arr.emplace_back();
        } else {
          Result<Any> v = ParseJson(s);
          if (!v.ok()) {
            rest.Fail(StatusCode::kInvalid, "JSON content: " + v.status().message());
            break;
          }
          c.arr.push_back(std::move(v).value());
        }
      }
      return Content(std::move(c));
    }
    case ContentRef::kBinary:
      return Content(BinaryContent{std::make_shared<const std::vector<uint8_t>>(dec.ReadBuf())});
    case ContentRef::kString: {
      std::u16string s = dec.ReadString();
      if (s.empty() && !dec.failed()) rest.Fail(StatusCode::kInvalid, "empty string content");
      return Content(StringContent{std::move(s)});
    }
    case ContentRef::kEmbed: return Content(EmbedContent{dec.ReadJson()});
    case ContentRef::kFormat: {
      std::string key = dec.ReadKey();
      Any value = dec.ReadJson();
      return Content(FormatContent{std::move(key), std::move(value)});
    }
    case ContentRef::kType: {
      uint8_t ref = dec.ReadTypeRef();
      if (dec.failed()) return Content();
      if (ref > static_cast<uint8_t>(TypeKind::kXmlText)) {
        rest.Fail(StatusCode::kInvalid, "unknown type ref " + std::to_string(ref));
        return Content();
      }
      auto kind = static_cast<TypeKind>(ref);
      std::string name;
      if (kind == TypeKind::kXmlElement || kind == TypeKind::kXmlHook) name = dec.ReadKey();
      return Content(TypeContent{std::make_unique<AbstractType>(kind, std::move(name))});
    }
    case ContentRef::kAny: {
      uint64_t len = dec.ReadLen();
      AnyContent c;
      if (len == 0 && !dec.failed()) rest.Fail(StatusCode::kInvalid, "any content of length 0");
      for (uint64_t i = 0; i < len && !dec.failed(); i++) c.arr.push_back(dec.ReadAny());
      return Content(std::move(c));
    }
    case ContentRef::kDoc: {
      DocContent d;
      d.guid = dec.ReadStringUtf8();
      Any opts = dec.ReadAny();
      if (dec.failed()) return Content();
      if (opts.type() == Any::Type::kObject) {
        if (const Any* v = opts.Get("gc"); v && v->type() == Any::Type::kBool) d.gc = v->as_bool();
        if (const Any* v = opts.Get("autoLoad"); v && v->type() == Any::Type::kBool)
          d.auto_load = v->as_bool();
        if (const Any* v = opts.Get("shouldLoad"); v && v->type() == Any::Type::kBool)
          d.should_load = v->as_bool();
        if (const Any* v = opts.Get("meta"); v) {
          d.has_meta = !v->is_undefined() && v->type() != Any::Type::kNull;
          d.meta = *v;
        }
      }
      d.should_load = d.should_load || d.auto_load;
      return Content(std::move(d));
    }
    default:
      rest.Fail(StatusCode::kInvalid, "unknown content ref " + std::to_string(info & 0x1F));
      return Content();
  }
}

}  // namespace symphony::crdt
