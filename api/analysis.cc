// pcapkit::Analyse: the conversation table of `pcapkit analyse` on bytes in memory.
#include "pcapkit/analysis.h"

#include "engine/analysis/conversations.h"
#include "formats/analysis_record.h"
#include "formats/json_emitter.h"

namespace pcapkit {

namespace {

// Records as JSON text, and the kind of the analyser that wrote the first.
class JsonRecords final : public analysis::RecordSink {
 public:
  explicit JsonRecords(Analysis* out) : out_(out) {}
  void Write(analysis::Kind kind, const analysis::Conversation& c, const analysis::Position& first,
             const analysis::Position& last, const std::function<void(Emitter&)>& fields) override {
    formats::OutBuffer buf;
    formats::JsonEmitter json(&buf);
    json.BeginObject();
    formats::WriteAnalysisFields(kind, c, first, last, fields, json);
    json.EndObject();
    if (out_->kind.empty()) out_->kind = analysis::KindName(kind);
    out_->records.emplace_back(buf.data(), buf.size());
  }

 private:
  Analysis* out_;
};

}  // namespace

Analysis Analyse(std::span<const uint8_t> client, std::span<const uint8_t> server,
                 const AnalyseBytesOptions& options) {
  analysis::Settings settings;
  Raise(analysis::KindsOf(options.protocols, &settings.kinds));
  Analysis result;
  JsonRecords sink(&result);
  analysis::Conversations table(settings, &sink, nullptr);
  analysis::Conversation c;
  c.tcp = options.tcp;
  const uint8_t client_address[4] = {10, 0, 0, 1}, server_address[4] = {10, 0, 0, 2};
  std::copy(client_address, client_address + 4, c.client);
  std::copy(server_address, server_address + 4, c.server);
  c.client_port = options.client_port;
  c.server_port = options.server_port;
  analysis::Position first{1, {}}, second{2, {0, 0, 6}};
  if (options.tcp) {
    if (!client.empty()) table.Piece(0, c, 0, client, 0, first);
    if (!server.empty()) table.Piece(0, c, 1, server, 0, second);
    table.Closed(0, second);
  } else {
    if (!client.empty()) table.Datagram(c, 0, client, first);
    if (!server.empty()) table.Datagram(c, 1, server, second);
  }
  table.Finish(second);
  return result;
}

}  // namespace pcapkit
