// XML types: local edits give Yjs 13.6's exact bytes and toString (gen_type_vectors.mjs "xml").
#include "crdt/types/xml.h"

#include <gtest/gtest.h>

#include "crdt/doc.h"
#include "crdt/transaction.h"
#include "crdt/types/types_test_util.h"

namespace symphony::crdt {
namespace {

using testing::Hex;
using testing::JsonView;
using testing::kClient;
using testing::Obj;
using testing::Str;

TEST(XmlTest, DocumentMatchesYjs) {
  Doc doc(testing::Opts(kClient));
  XmlFragment f = doc.GetXmlFragment("x");
  XmlElement p(f.InsertElement(0, "P"));
  p.SetAttribute("class", Str("intro"));
  p.SetAttribute("align", Str("left"));
  XmlText t(XmlFragment(p.type()).InsertText(0));
  t.Insert(0, "Hello world");
  t.Format(0, 5, Obj({{"b", Any::Bool(true)}}));
  t.Format(
      6, 5,
      Obj({{"a", Obj({{"href", Str("x.html")}, {"title", Str("t")}})}, {"i", Any::Bool(true)}}));
  XmlElement ul(f.InsertElement(1, "ul"));
  XmlElement li(ul.InsertElement(0, "li"));
  li.InsertText(0);
  Text(li.Get(0)).Insert(0, "item");
  f.InsertText(0);
  Text(f.Get(0)).Insert(0, "first");
  EXPECT_EQ(f.ToString(),
            "first<p align=\"left\" class=\"intro\"><b>Hello</b> <a href=\"x.html\" title=\"t\">"
            "<i>world</i></a></p><ul><li>item</li></ul>");
  p.RemoveAttribute("align");
  f.Delete(2, 1);
  EXPECT_EQ(f.ToString(),
            "first<p class=\"intro\"><b>Hello</b> <a href=\"x.html\" title=\"t\"><i>world</i></a>"
            "</p>");
  EXPECT_EQ(JsonView(doc),
            R"({"x":"first<p class=\"intro\"><b>Hello</b> <a href=\"x.html\" title=\"t\">)"
            R"(<i>world</i></a></p>"})");
  EXPECT_EQ(StringifyJson(p.GetAttributes()), R"({"class":"intro"})");
  EXPECT_EQ(p.node_name(), "P");
  EXPECT_EQ(Hex(doc.EncodeStateAsUpdate()),
            "011187ad4b0007010178030150280087ad4b0005636c617373017705696e74726f210087ad4b0005616c"
            "69676e01070087ad4b0006040087ad4b030548656c6c6f8487ad4b0801208487ad4b0905776f726c6446"
            "87ad4b0401620474727565c687ad4b0887ad4b090162046e756c6cc687ad4b0987ad4b0a01611d7b2268"
            "726566223a22782e68746d6c222c227469746c65223a2274227dc687ad4b1187ad4b0a01690474727565"
            "8687ad4b0e0161046e756c6c8687ad4b130169046e756c6c8187ad4b000100064787ad4b0006040087ad"
            "4b1c0566697273740187ad4b0202011507");
}

TEST(XmlTest, ChildValuesAndEmbedsUseJavaScriptStrings) {
  Doc doc(testing::Opts(kClient));
  XmlFragment f = doc.GetXmlFragment("x");
  XmlText t(f.InsertText(0));
  t.Insert(0, "a");
  t.InsertEmbed(1, Obj({{"k", Str("v")}}));
  t.Insert(2, "b", nullptr);
  EXPECT_EQ(t.ToString(), "a[object Object]b");
  XmlElement e(f.InsertElement(1, "Custom"));
  e.SetAttribute("n", Any::Number(1.5));
  e.SetAttribute("list", Any::MakeArray({Any::Number(1), Any::Null(), Str("x")}));
  EXPECT_EQ(e.ToString(), "<custom list=\"1,,x\" n=\"1.5\"></custom>");
}

}  // namespace
}  // namespace symphony::crdt
