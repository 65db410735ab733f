#include "engine/analysis/ftp_record.h"

#include <algorithm>
#include <initializer_list>

#include "pcapkit/emitter.h"

namespace pcapkit::analysis::ftp {
namespace {

bool Is(std::string_view command, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), command) != names.end();
}

}  // namespace

bool IsDownload(std::string_view c) {
  return Is(c, {"RETR", "LIST", "NLST", "MLSD"});
}
bool IsUpload(std::string_view c) {
  return Is(c, {"STOR", "STOU", "APPE"});
}

size_t Size(const Entry& e) {
  return sizeof e + e.command.size() + e.arg.size() + e.msg.size() + e.error.size() +
         (e.cwd ? e.cwd->size() : 0);
}

namespace {

void WriteData(Emitter& out, const Entry& e) {
  const Transfer& t = *e.transfer;
  out.BeginObject("data");
  out.Uint("flow", t.flow);
  if (t.community_id[0]) out.Plain("community_id", t.community_id);
  out.Uint("bytes", t.bytes);
  if (t.hashed) out.Hex("sha256", t.sha256, sizeof t.sha256);
  if (t.gaps) out.Uint("gaps", t.gaps);
  out.Plain("direction", IsUpload(e.command) ? "upload" : "download");
  out.Bool("ended", t.ended);
  out.EndObject();
}

using protocols::kBool, protocols::kHex, protocols::kInt, protocols::kIpv4, protocols::kIpv6,
    protocols::kText, protocols::kList, protocols::kObject;
constexpr protocols::FieldSpec kFields[] = {
    {"command", kText, "the command, upper-cased"},
    {"arg", kText, "the command's argument; **** for PASS"},
    {"reply_code", kInt, "the final reply's code"},
    {"reply_msg", kText, "the final reply's text, lines joined by newlines"},
    {"preliminary", kList, "the 1xx replies before the final one"},
    {"preliminary[]", kInt, "a reply code"},
    {"user", kText, "the last USER given before this command"},
    {"cwd", kText, "the current directory after the command, when known"},
    {"data_host", kIpv4 | kIpv6, "the data endpoint PORT/EPRT named or PASV/EPSV gave"},
    {"data_port", kInt, "the data endpoint's port"},
    {"file", kText, "RETR, STOR, STOU, APPE: the file named"},
    {"data", kObject, "the transfer's data connection"},
    {"data.flow", kInt, "the data connection's flow"},
    {"data.community_id", kText, "the data connection's Community ID"},
    {"data.bytes", kInt, "bytes transferred"},
    {"data.sha256", kHex, "SHA-256 of the bytes, when none were missing"},
    {"data.gaps", kInt, "bytes missing"},
    {"data.direction", kText, "download or upload"},
    {"data.ended", kBool, "the connection had ended when the record was written"},
    {"error", kText, "what was lost or malformed since the record before"},
};

}  // namespace

std::span<const protocols::FieldSpec> Fields() {
  return kFields;
}

void WriteFields(Emitter& out, const Entry& e) {
  if (e.has_command) out.Text("command", e.command);
  if (!e.arg.empty()) out.Text("arg", e.command == "PASS" ? "****" : e.arg);  // never a password
  if (e.answered) {
    out.Uint("reply_code", e.code);
    out.Text("reply_msg", e.msg);
  }
  if (!e.preliminary.empty()) {
    out.BeginArray("preliminary");
    for (uint16_t code : e.preliminary) out.Uint({}, code);
    out.EndArray();
  }
  if (e.user) out.Text("user", *e.user);
  if (e.cwd) out.Text("cwd", *e.cwd);
  if (e.has_endpoint) {
    if (e.endpoint.ipv6)
      out.Ipv6("data_host", e.endpoint.host);
    else
      out.Ipv4("data_host", e.endpoint.host);
    out.Uint("data_port", e.endpoint.port);
  }
  if (!e.arg.empty() && (e.command == "RETR" || IsUpload(e.command))) out.Text("file", e.arg);
  if (e.transfer && e.transfer->started) WriteData(out, e);
  if (!e.error.empty()) out.Text("error", e.error);
}

}  // namespace pcapkit::analysis::ftp
