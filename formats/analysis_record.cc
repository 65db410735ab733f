#include "formats/analysis_record.h"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <vector>

#include "engine/util/time_format.h"
#include "formats/record.h"

namespace pcapkit::formats {

namespace {

using namespace protocols;  // FieldType bits
constexpr FieldSpec kAnalysisFields[] = {
    {"kind", kText, "http, http2, tls, dns, ftp or unknown"},
    {"flow", kInt, "the flow's number, as extract --flow-id gives it"},
    {"community_id", kText, "the flow's Community ID"},
    {"transport", kText, "tcp or udp"},
    {"src", kIpv4 | kIpv6, "the client"},
    {"srcport", kInt, "the client's port"},
    {"dst", kIpv4 | kIpv6, "the server"},
    {"dstport", kInt, "the server's port"},
    {"first_frame", kInt, "the frame where the transaction starts"},
    {"last_frame", kInt, "the frame where it ends"},
    {"first", kText, "capture time of first_frame"},
    {"last", kText, "capture time of last_frame"},
};

}  // namespace

std::span<const protocols::FieldSpec> AnalysisFields() {
  return kAnalysisFields;
}

std::span<const protocols::FieldSpec> AnalysisRecordFields() {
  // Made on first use, after the analysers registered (from static initialisers).
  static const std::vector<protocols::FieldSpec> all = [] {
    std::vector<protocols::FieldSpec> out(std::begin(kAnalysisFields), std::end(kAnalysisFields));
    for (const analysis::AnalyserInfo& a : analysis::Analysers())
      for (const protocols::FieldSpec& f : a.fields) {
        auto same = std::find_if(out.begin(), out.end(), [&](const protocols::FieldSpec& o) {
          return std::string_view(o.path) == f.path;
        });
        if (same == out.end())
          out.push_back(f);
        else
          same->types |= f.types;
      }
    return out;
  }();
  return all;
}

namespace {
void Time(Emitter& out, std::string_view key, const Timestamp& t) {
  char buf[48];
  out.Plain(key, std::string_view(buf, size_t(util::WriteIsoTime(buf, t) - buf)));
}
}  // namespace

void WriteAnalysisFields(analysis::Kind kind, const analysis::Conversation& c,
                         const analysis::Position& first, const analysis::Position& last,
                         const std::function<void(Emitter&)>& fields, Emitter& out) {
  out.Plain("kind", analysis::KindName(kind));
  out.Uint("flow", c.flow);
  out.Plain("community_id", c.community_id);
  out.Plain("transport", c.tcp ? "tcp" : "udp");
  WriteAddress(out, "src", c.ipv6, c.client);
  out.Uint("srcport", c.client_port);
  WriteAddress(out, "dst", c.ipv6, c.server);
  out.Uint("dstport", c.server_port);
  out.Uint("first_frame", first.frame);
  out.Uint("last_frame", last.frame);
  Time(out, "first", first.time);
  Time(out, "last", last.time);
  if (fields) fields(out);
}

}  // namespace pcapkit::formats
