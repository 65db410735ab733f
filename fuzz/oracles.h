// What the fuzz targets check besides the sanitizers: conditions whose failure is a wrong
// result rather than a crash. Each aborts with a line naming the condition.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "testing/strict_json.h"

namespace pcapkit::fuzz {

[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "fuzz oracle: %s\n", what);
  std::abort();
}

// `what` names the document; the failure line says that and what is wrong with it.
inline void CheckJson(std::string_view text, const char* what) {
  if (const char* problem = testutil::StrictJsonProblem(text)) {
    std::fprintf(stderr, "fuzz oracle: %s: %s\n", what, problem);
    std::abort();
  }
}

// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing past U+10FFFF.
// Written apart from engine/util/utf8.h on purpose: the writers' own validator must not be
// the one that judges their output.
inline bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : c & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = cp << 6 | (d & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

// A property list as plist readers take it: UTF-8 without the characters XML 1.0
// forbids, well-formed XML, and every <dict> a run of <key> and value pairs whose keys
// differ.
inline void CheckPlist(std::string_view text) {
  if (!ValidUtf8(text)) Fail("the PLIST report is not UTF-8");
  for (unsigned char c : text)
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      Fail("the PLIST report holds a control character");
  if (text.find("\xef\xbf\xbe") != text.npos || text.find("\xef\xbf\xbf") != text.npos)
    Fail("the PLIST report holds U+FFFE or U+FFFF");
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_doctype))
    Fail("the PLIST report is not well-formed XML");
  std::vector<pugi::xml_node> todo{doc.document_element()};
  std::set<std::string_view> keys;
  while (!todo.empty()) {
    pugi::xml_node node = todo.back();
    todo.pop_back();
    bool dict = std::string_view(node.name()) == "dict";
    bool want_key = true;
    keys.clear();
    for (pugi::xml_node child : node.children()) {
      if (child.type() != pugi::node_element) continue;
      if (dict) {
        bool is_key = std::string_view(child.name()) == "key";
        if (is_key != want_key) Fail("a PLIST dict does not alternate keys and values");
        if (is_key && !keys.insert(child.child_value()).second) Fail("a PLIST dict repeats a key");
        want_key = !want_key;
      }
      todo.push_back(child);
    }
    if (dict && !want_key) Fail("a PLIST dict ends with a key");
  }
}

}  // namespace pcapkit::fuzz
