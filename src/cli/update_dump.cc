#include "cli/update_dump.h"

#include <sstream>

#include "crdt/content.h"
#include "crdt/item.h"
#include "crdt/lib0/any.h"
#include "crdt/lib0/encoder.h"
#include "crdt/types/abstract_type.h"

namespace symphony::cli {

namespace {

using crdt::Any;
using crdt::Content;
using crdt::Item;

constexpr size_t kMaxSummary = 60;

std::string Clip(std::string s) {
  if (s.size() <= kMaxSummary) return s;
  size_t cut = kMaxSummary;
  while (cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  s.resize(cut);
  return s + "...";
}

std::string Json(const Any& v) { return Clip(crdt::StringifyJson(v)); }

std::string Quote(const std::string& s) { return Json(Any::String(s)); }

std::string IdString(crdt::ID id) {
  return std::to_string(id.client) + ":" + std::to_string(id.clock);
}

std::string Values(const std::vector<Any>& arr) { return Json(Any::MakeArray(arr)); }

std::string ContentSummary(const Content& c) {
  switch (c.ref()) {
    case crdt::ContentRef::kDeleted: return "Deleted";
    case crdt::ContentRef::kJson: return "JSON " + Values(c.as<crdt::JsonContent>().arr);
    case crdt::ContentRef::kBinary: {
      const auto& b = c.as<crdt::BinaryContent>().bytes;
      return "Binary (" + std::to_string(b ? b->size() : 0) + " bytes)";
    }
    case crdt::ContentRef::kString:
      return "String " + Quote(crdt::lib0::Utf16ToUtf8(c.as<crdt::StringContent>().str));
    case crdt::ContentRef::kEmbed: return "Embed " + Json(c.as<crdt::EmbedContent>().value);
    case crdt::ContentRef::kFormat: {
      const auto& f = c.as<crdt::FormatContent>();
      return "Format " + Quote(f.key) + "=" + Json(f.value);
    }
    case crdt::ContentRef::kType: {
      const auto& t = c.as<crdt::TypeContent>().type;
      if (!t) return "Type";
      std::string s = std::string("Type ") + crdt::TypeKindName(t->kind());
      if (!t->name().empty()) s += " " + Quote(t->name());
      return s;
    }
    case crdt::ContentRef::kAny: return "Any " + Values(c.as<crdt::AnyContent>().arr);
    case crdt::ContentRef::kDoc: return "Doc guid=" + Quote(c.as<crdt::DocContent>().guid);
    default: return "?";
  }
}

std::string StructLine(const Item& s) {
  std::ostringstream out;
  out << "  " << IdString(s.id) << " len=" << s.length << " ";
  if (s.is_gc()) {
    out << "GC";
    return out.str();
  }
  if (s.is_skip()) {
    out << "Skip";
    return out.str();
  }
  out << ContentSummary(s.content);
  out << " origin=" << (s.has_origin ? IdString(s.origin) : "-");
  out << " right=" << (s.has_right_origin ? IdString(s.right_origin) : "-");
  out << " parent=";
  switch (s.parent_kind) {
    case crdt::ParentKind::kRootName: out << "root " << Quote(*s.parent_name); break;
    case crdt::ParentKind::kId: out << IdString(s.parent_id); break;
    default: out << "-"; break;
  }
  out << " sub=" << (s.parent_sub ? Quote(*s.parent_sub) : "-");
  return out.str();
}

}  // namespace

std::string DumpUpdate(const crdt::DecodedUpdate& update, uint64_t size_bytes,
                       crdt::UpdateFormat format) {
  std::ostringstream out;
  size_t sections = 0;
  for (size_t i = 0; i < update.structs.size(); ++i) {
    if (i == 0 || update.structs[i]->id.client != update.structs[i - 1]->id.client) ++sections;
  }
  out << "update: " << size_bytes << " bytes, format v" << (format == crdt::UpdateFormat::kV2 ? 2 : 1)
      << ", " << update.structs.size() << " structs in " << sections << " client sections\n";
  for (size_t i = 0; i < update.structs.size(); ++i) {
    const Item& s = *update.structs[i];
    if (i == 0 || s.id.client != update.structs[i - 1]->id.client) {
      size_t n = i;
      while (n < update.structs.size() && update.structs[n]->id.client == s.id.client) ++n;
      const Item& last = *update.structs[n - 1];
      out << "client " << s.id.client << ": " << (n - i) << " structs, clocks " << s.id.clock
          << ".." << last.id.clock + last.length << "\n";
    }
    out << StructLine(s) << "\n";
  }
  const auto& clients = update.ds.clients();
  out << "delete set: " << clients.size() << " clients\n";
  for (const auto& [client, ranges] : clients) {
    out << "  client " << client << ":";
    for (const auto& r : ranges) out << " [" << r.clock << "," << r.clock + r.len << ")";
    out << "\n";
  }
  return out.str();
}

}  // namespace symphony::cli
