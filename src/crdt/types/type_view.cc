// AbstractType::ToJson / ToString: the JSON and string views of every kind, as Yjs's toJSON()
// and toString() compute them.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "crdt/content.h"
#include "crdt/item.h"
#include "crdt/lib0/encoder.h"
#include "crdt/types/abstract_type.h"
#include "crdt/types/js_value.h"
#include "crdt/types/text.h"

namespace symphony::crdt {

namespace {

// Element i of a visible item as toJSON() sees it.
Any ElementJson(const Item* item, uint64_t i) {
  if (item->content.is<TypeContent>()) return item->content.as<TypeContent>().type->ToJson();
  // A subdocument's toJSON() lists its (unloaded, so no) root types.
  if (item->content.is<DocContent>()) return Any::MakeObject();
  return item->content.ValueAt(i);
}

// Element i of a visible item as String(element) sees it.
std::string ElementString(const Item* item, uint64_t i) {
  if (item->content.is<TypeContent>()) return item->content.as<TypeContent>().type->ToString();
  if (item->content.is<DocContent>()) return "[object Object]";
  return JsToString(item->content.ValueAt(i));
}

std::string PlainText(const AbstractType& type) {
  std::u16string out;
  for (const Item* n = type.start; n != nullptr; n = n->right) {
    if (!n->deleted() && n->content.is<StringContent>()) out += n->content.as<StringContent>().str;
  }
  return lib0::Utf16ToUtf8(out);
}

Any ListJson(const AbstractType& type) {
  Any out = Any::MakeArray();
  Any::Array& arr = out.as_array();
  for (const Item* n = type.start; n != nullptr; n = n->right) {
    if (n->deleted() || !n->countable()) continue;
    for (uint64_t i = 0; i < n->length; ++i) arr.push_back(ElementJson(n, i));
  }
  return out;
}

Any MapJson(const AbstractType& type) {
  Any out = Any::MakeObject();
  for (const auto& [key, item] : type.map_entries()) {
    if (!item->deleted()) out.Set(*key, ElementJson(item, item->length - 1));
  }
  return out;
}

// YXmlFragment.toString: the children's strings, joined.
std::string ChildrenString(const AbstractType& type) {
  std::string out;
  for (const Item* n = type.start; n != nullptr; n = n->right) {
    if (n->deleted() || !n->countable()) continue;
    for (uint64_t i = 0; i < n->length; ++i) out += ElementString(n, i);
  }
  return out;
}

std::string ElementXml(const AbstractType& type) {
  std::vector<std::pair<std::string, std::string>> attrs;
  for (const auto& [key, item] : type.map_entries()) {
    if (!item->deleted()) attrs.emplace_back(*key, ElementString(item, item->length - 1));
  }
  std::stable_sort(attrs.begin(), attrs.end(),
                   [](const auto& a, const auto& b) { return JsStringLess(a.first, b.first); });
  const std::string name = JsLowerCase(type.name());
  std::string out = "<" + name;
  for (const auto& [key, value] : attrs) out += " " + key + "=\"" + value + "\"";
  out += ">";
  out += ChildrenString(type);
  out += "</" + name + ">";
  return out;
}

// `for (const key in value)` over an attribute value: (key, String(value[key])) pairs.
std::vector<std::pair<std::string, std::string>> ForInStrings(const Any& value) {
  std::vector<std::pair<std::string, std::string>> out;
  switch (value.type()) {
    case Any::Type::kObject:
      for (const auto& [k, v] : value.as_object()) out.emplace_back(k, JsToString(v));
      break;
    case Any::Type::kArray: {
      const auto& a = value.as_array();
      for (size_t i = 0; i < a.size(); ++i) out.emplace_back(std::to_string(i), JsToString(a[i]));
      break;
    }
    case Any::Type::kBytes: {
      const auto& b = value.as_bytes();
      for (size_t i = 0; i < b.size(); ++i) {
        out.emplace_back(std::to_string(i), std::to_string(b[i]));
      }
      break;
    }
    case Any::Type::kString: {
      const std::u16string s = lib0::Utf8ToUtf16(value.as_string());
      for (size_t i = 0; i < s.size(); ++i) {
        out.emplace_back(std::to_string(i), lib0::Utf16ToUtf8(std::u16string_view(&s[i], 1)));
      }
      break;
    }
    default:
      break;
  }
  return out;
}

// YXmlText.toString: each delta op with its attributes as nested tags (sorted by name, their
// attributes sorted by key).
std::string XmlTextString(AbstractType* type) {
  std::string out;
  for (const TextDeltaOp& op : Text(type).ToDelta()) {
    struct Node {
      std::string name;
      std::vector<std::pair<std::string, std::string>> attrs;
    };
    std::vector<Node> nodes;
    if (op.attributes.type() == Any::Type::kObject) {
      for (const auto& [name, value] : op.attributes.as_object()) {
        Node node{name, ForInStrings(value)};
        std::stable_sort(node.attrs.begin(), node.attrs.end(), [](const auto& a, const auto& b) {
          return JsStringLess(a.first, b.first);
        });
        nodes.push_back(std::move(node));
      }
    }
    std::stable_sort(nodes.begin(), nodes.end(),
                     [](const Node& a, const Node& b) { return JsStringLess(a.name, b.name); });
    for (const Node& node : nodes) {
      out += "<" + node.name;
      for (const auto& [key, value] : node.attrs) out += " " + key + "=\"" + value + "\"";
      out += ">";
    }
    if (const auto* s = std::get_if<std::string>(&op.insert)) {
      out += *s;
    } else if (const auto* v = std::get_if<Any>(&op.insert)) {
      out += JsToString(*v);
    } else if (auto* const* t = std::get_if<AbstractType*>(&op.insert)) {
      out += (*t)->ToString();
    }
    for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) out += "</" + it->name + ">";
  }
  return out;
}

// For a root whose kind never arrived: what its content looks like.
enum class Guess { kMap, kText, kArray };
Guess GuessKind(const AbstractType& type) {
  bool has_list = false;
  for (const Item* n = type.start; n != nullptr; n = n->right) {
    if (n->deleted()) continue;
    if (n->content.is<StringContent>() || n->content.is<FormatContent>() ||
        n->content.is<EmbedContent>()) {
      return Guess::kText;
    }
    has_list = true;
  }
  if (!has_list) {
    for (const auto& entry : type.map_entries()) {
      if (!entry.second->deleted()) return Guess::kMap;
    }
  }
  return Guess::kArray;
}

}  // namespace

Any AbstractType::ToJson() const {
  switch (kind_) {
    case TypeKind::kArray:
      return ListJson(*this);
    case TypeKind::kMap:
    case TypeKind::kXmlHook:
      return MapJson(*this);
    case TypeKind::kText:
      return Any::String(PlainText(*this));
    case TypeKind::kXmlElement:
    case TypeKind::kXmlFragment:
    case TypeKind::kXmlText:
      return Any::String(ToString());
    case TypeKind::kUnknown:
      switch (GuessKind(*this)) {
        case Guess::kMap:
          return MapJson(*this);
        case Guess::kText:
          return Any::String(PlainText(*this));
        case Guess::kArray:
          return ListJson(*this);
      }
  }
  return Any();
}

std::string AbstractType::ToString() const {
  switch (kind_) {
    case TypeKind::kText:
      return PlainText(*this);
    case TypeKind::kXmlText:
      return XmlTextString(const_cast<AbstractType*>(this));
    case TypeKind::kXmlFragment:
      return ChildrenString(*this);
    case TypeKind::kXmlElement:
      return ElementXml(*this);
    case TypeKind::kUnknown:
      if (GuessKind(*this) == Guess::kText) return PlainText(*this);
      return "[object Object]";
    default:
      return "[object Object]";
  }
}

}  // namespace symphony::crdt
