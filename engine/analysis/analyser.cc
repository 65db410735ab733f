#include "engine/analysis/analyser.h"

#include <algorithm>

namespace pcapkit::analysis {

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kHttp:
      return "http";
    case Kind::kHttp2:
      return "http2";
    case Kind::kTls:
      return "tls";
    case Kind::kDns:
      return "dns";
    case Kind::kFtp:
      return "ftp";
    case Kind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

namespace {
// Built on first use: the analyser files register from static initialisers, whose order
// across files is unspecified.
std::vector<AnalyserInfo>& Table() {
  static std::vector<AnalyserInfo> table;
  return table;
}
}  // namespace

bool Register(const AnalyserInfo& info) {
  std::vector<AnalyserInfo>& t = Table();
  // Kept in kind order, so detection tries them in the same order whatever the link order.
  t.insert(std::upper_bound(
               t.begin(), t.end(), info,
               [](const AnalyserInfo& a, const AnalyserInfo& b) { return a.kind < b.kind; }),
           info);
  return true;
}

const std::vector<AnalyserInfo>& Analysers() {
  return Table();
}

std::span<const protocols::FieldSpec> FieldsOf(Kind kind) {
  for (const AnalyserInfo& a : Analysers())
    if (a.kind == kind) return a.fields;
  return {};
}

Status KindsOf(const std::string& list, uint32_t* kinds) {
  *kinds = list.empty() ? ~0u : 0;
  for (size_t at = 0; !list.empty() && at <= list.size();) {
    size_t comma = std::min(list.find(',', at), list.size());
    std::string name = list.substr(at, comma - at), known;
    bool found = false;
    for (const AnalyserInfo& a : Analysers()) {
      known += known.empty() ? a.name : std::string(", ") + a.name;
      if (name == a.name) *kinds |= 1u << unsigned(a.kind), found = true;
    }
    if (!found)
      return Status::InvalidArgument("--protocols: no analyser '" + name + "' (there are " + known +
                                     ")");
    at = comma + 1;
  }
  return Status::Ok();
}

}  // namespace pcapkit::analysis
