#include "testing/analysis_harness.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "engine/util/hex.h"
#include "formats/analysis_record.h"
#include "formats/json_emitter.h"
#include "formats/record_tape.h"
#include "testing/schema_check.h"

namespace pcapkit::testing {

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) return "";
  return util::Hex(md, len);
}

AnalysisHarness::AnalysisHarness(analysis::Kind kind, uint16_t server_port, bool tcp, bool bodies,
                                 bool expectations) {
  conversation_.flow = 7;
  std::snprintf(conversation_.community_id, sizeof conversation_.community_id, "%s", "1:test");
  conversation_.tcp = tcp;
  const uint8_t client[4] = {10, 0, 0, 1}, server[4] = {10, 0, 0, 2};
  std::copy(client, client + 4, conversation_.client);
  std::copy(server, server + 4, conversation_.server);
  conversation_.client_port = 40000;
  conversation_.server_port = server_port;
  for (const analysis::AnalyserInfo& info : analysis::Analysers())
    if (info.kind == kind) {
      analysis::Context context{&conversation_, this, &limits_, bodies ? this : nullptr,
                                expectations ? this : nullptr};
      analyser_ = info.make(context);
      return;
    }
  throw std::logic_error(std::string("no analyser registered for ") + analysis::KindName(kind));
}

void AnalysisHarness::Data(int dir, std::string_view bytes, uint64_t frame) {
  Data(dir, {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, frame);
}

void AnalysisHarness::Data(int dir, std::span<const uint8_t> bytes, uint64_t frame) {
  analyser_->Data(dir, bytes, {frame, Timestamp{int64_t(frame), 0, 6}});
}

void AnalysisHarness::Gap(int dir, uint64_t len, uint64_t frame) {
  analyser_->Gap(dir, len, {frame, Timestamp{int64_t(frame), 0, 6}});
}

void AnalysisHarness::End(uint64_t frame) {
  analyser_->End({frame, Timestamp{int64_t(frame), 0, 6}});
}

void AnalysisHarness::Write(analysis::Kind kind, const analysis::Conversation& conversation,
                            const analysis::Position& first, const analysis::Position& last,
                            const std::function<void(Emitter&)>& fields) {
  formats::OutBuffer buf;
  formats::JsonEmitter json(&buf);
  formats::RecordTape tape;
  if (tape_) {
    tape.BeginRecord({1, true});
    formats::WriteAnalysisFields(kind, conversation, first, last, fields, tape);
    tape.ComputeDeferred();
  }
  // The analyser's members as its table declares them (the unit tests set the hook).
  if (testutil::g_on_undeclared_field != nullptr)
    for (const std::string& problem : testutil::UndeclaredAnalysisFields(kind, fields))
      testutil::g_on_undeclared_field(problem);
  json.BeginObject();
  if (tape_)
    tape.Replay(0, json);
  else
    formats::WriteAnalysisFields(kind, conversation, first, last, fields, json);
  json.EndObject();
  texts_.emplace_back(buf.data(), buf.size());
  records_.push_back(nlohmann::json::parse(texts_.back()));
}

std::string AnalysisHarness::Store(std::string_view sha256_hex, std::span<const uint8_t> body) {
  std::string name(sha256_hex);
  stored_[name] = std::string(body.begin(), body.end());
  return name;
}

void AnalysisHarness::Expect(analysis::Expectation expectation, const Timestamp& at) {
  expected_.push_back({std::move(expectation), at});
}

}  // namespace pcapkit::testing
