// The records are what docs/schema.md says: every field every layer of every corpus frame
// writes is declared in its protocol's field table, with its type. (The unit tests check
// the same of every frame they craft, in testutil's report helpers.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/capture/reader.h"
#include "engine/packet/dissector.h"
#include "testing/require.h"
#include "testing/schema_check.h"

namespace {

namespace fs = std::filesystem;
using pcapkit::protocols::Registry;

std::vector<std::string> CorpusCaptures() {
  std::vector<std::string> out;
  std::ifstream manifest(testutil::CorpusDir() + "/MANIFEST.tsv");
  std::string line;
  std::getline(manifest, line);  // header
  while (std::getline(manifest, line)) out.push_back(line.substr(0, line.find('\t')));
  return out;
}

TEST(Schema, EveryFieldTheCorpusWritesIsDeclared) {
  PCAPKIT_REQUIRE_CORPUS();
  std::vector<std::string> captures = CorpusCaptures();
  const Registry& registry = Registry::Builtin();
  pcapkit::Dissector dissector(registry, {});
  std::set<testutil::EmittedField> fields;
  std::map<std::string, std::string> first_seen;  // "key path" -> capture and frame
  for (const std::string& rel : captures) {
    std::unique_ptr<pcapkit::capture::Reader> reader;
    if (!pcapkit::capture::Reader::Open(testutil::CorpusDir() + "/" + rel, 1 << 20, &reader).ok())
      continue;  // the corpus test covers unreadable captures
    pcapkit::capture::Batch batch;
    pcapkit::Frame frame;
    while (reader->Next(batch)) {
      for (const auto& record : batch.frames) {
        dissector.Dissect(record, batch.Data(record), frame);
        for (const auto& f : testutil::EmittedFields(frame, registry))
          if (fields.insert(f).second)
            first_seen[f.key + " " + f.path] = rel + " frame " + std::to_string(record.number);
      }
    }
  }
  std::vector<std::string> problems = testutil::UndeclaredFields(fields, registry);
  std::ostringstream report;
  for (const std::string& p : problems) {
    std::string key = p.substr(0, p.find(':'));
    std::string path = p.substr(p.find(": ") + 2, p.find(" (") - p.find(": ") - 2);
    report << "  " << p << " (first in " << first_seen[key + " " + path] << ")\n";
  }
  EXPECT_TRUE(problems.empty()) << problems.size() << " fields:\n" << report.str();
}

}  // namespace
