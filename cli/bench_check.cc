// `pcapkit bench --check`: the records of two NDJSON reports walked in parallel. Only the
// leaves the engine wrote are judged (equal, different, or absent from the reference), so
// a foreign tool is not blamed for what it does not dissect; the leaves it left out are
// counted as `missing`, which only pcapkit's own strategies are held to.
#include "cli/bench_check.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "pcapkit/errors.h"

namespace pcapkit::cli::bench {

namespace {

using nlohmann::json;

bool IsLeaf(const json& v) {
  return !(v.is_object() || v.is_array()) || v.empty();
}

// A child of `parent` by key or index; nullptr when `parent` has none.
const json* Child(const json* parent, const std::string& key) {
  if (parent == nullptr || !parent->is_object()) return nullptr;
  auto it = parent->find(key);
  return it == parent->end() ? nullptr : &*it;
}

const json* Child(const json* parent, size_t i) {
  if (parent == nullptr || !parent->is_array() || i >= parent->size()) return nullptr;
  return &(*parent)[i];
}

// "2026-01-01T00:00:01.125000Z" and "...01.125Z": the same instant.
std::string Instant(const std::string& t) {
  std::string s = t.substr(0, t.find_last_not_of('Z') + 1);
  if (s.find('.') != std::string::npos) s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// Whether an engine's leaf agrees with the reference's, by the rules above for a foreign
// engine's chain and time, exactly otherwise.
bool Agrees(const std::string& path, const json& mine, const json& ref, bool strict) {
  if (strict || !mine.is_string() || !ref.is_string()) return mine == ref;
  const std::string& m = mine.get_ref<const std::string&>();
  const std::string& r = ref.get_ref<const std::string&>();
  if (path == "protocols") return (r + ":").rfind(m + ":", 0) == 0;
  if (path == "time") return Instant(m) == Instant(r);
  return m == r;
}

// A value as the example shows it, cut to a readable length.
std::string Shown(const json& v) {
  std::string s = v.dump();
  return s.size() <= 80 ? s : s.substr(0, 77) + "...";
}

// Where a record's leaves are being walked.
struct Walk {
  std::string path;
  uint64_t record = 0;
  Agreement* agreement;
};

// Every leaf of `mine` against the same path in `ref`.
void Judge(const json& mine, const json* ref, Walk& w) {
  std::string& path = w.path;
  size_t n = path.size();
  Agreement* a = w.agreement;
  if (IsLeaf(mine)) {
    FieldAgreement& f = a->fields[path];
    if (ref == nullptr) {
      ++f.absent;
    } else if (Agrees(path, mine, *ref, a->strict)) {
      ++f.equal;
    } else {
      ++f.different;
      if (!a->examples.count(path))
        a->examples[path] = "record " + std::to_string(w.record) + ": sequential " + Shown(*ref) +
                            ", " + a->engine + " " + Shown(mine);
    }
  } else if (mine.is_object()) {
    for (const auto& [key, value] : mine.items()) {
      path += (n ? "." : "") + key;
      Judge(value, Child(ref, key), w);
      path.resize(n);
    }
  } else {
    path += "[]";
    for (size_t i = 0; i < mine.size(); ++i) Judge(mine[i], Child(ref, i), w);
    path.resize(n);
  }
}

// The reference's leaves that `mine` lacks.
void CountMissing(const json& ref, const json* mine, std::string& path, Agreement* a) {
  size_t n = path.size();
  if (IsLeaf(ref)) {
    if (mine == nullptr) ++a->fields[path].missing;
  } else if (ref.is_object()) {
    for (const auto& [key, value] : ref.items()) {
      path += (n ? "." : "") + key;
      CountMissing(value, Child(mine, key), path, a);
      path.resize(n);
    }
  } else {
    path += "[]";
    for (size_t i = 0; i < ref.size(); ++i) CountMissing(ref[i], Child(mine, i), path, a);
    path.resize(n);
  }
}

// The next record of an NDJSON file; false at its end.
bool NextRecord(std::ifstream& in, const std::string& name, uint64_t line_number, json* record) {
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      *record = json::parse(line);
    } catch (const json::exception& e) {
      throw InputError(name + ": line " + std::to_string(line_number) + " is not JSON: " + e.what(),
                       name, line_number, 0);
    }
    return true;
  }
  return false;
}

std::ifstream Open(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot be read", path, 0, 0);
  return in;
}

}  // namespace

void CompareRecords(const std::string& reference_path, const std::string& path,
                    Agreement* agreement) {
  std::ifstream ref_in = Open(reference_path);
  std::ifstream in = Open(path);
  json ref, mine;
  bool more_ref = true, more = true;
  std::string key;
  while (true) {
    more_ref =
        more_ref && NextRecord(ref_in, reference_path, agreement->reference_frames + 1, &ref);
    more = more && NextRecord(in, path, agreement->frames + 1, &mine);
    if (!more_ref && !more) break;
    agreement->reference_frames += more_ref;
    agreement->frames += more;
    if (!more_ref || !more) continue;  // a record without a counterpart: counted, not walked
    Walk walk{.record = agreement->frames, .agreement = agreement};
    Judge(mine, &ref, walk);
    key.clear();
    CountMissing(ref, &mine, key, agreement);
  }
  agreement->total = {};
  for (const auto& [field, f] : agreement->fields) {
    agreement->total.equal += f.equal;
    agreement->total.different += f.different;
    agreement->total.absent += f.absent;
    agreement->total.missing += f.missing;
  }
}

void PrintAgreement(const Agreement& a) {
  if (!a.ran) {
    std::printf("check %-10s skipped: %s\n", a.engine.c_str(), a.reason.c_str());
    return;
  }
  const FieldAgreement& t = a.total;
  uint64_t judged = t.equal + t.different + t.absent;
  std::printf(
      "check %-10s %s: %llu/%llu records, %llu leaves equal, %llu different, %llu absent from "
      "the reference, %llu not written (%.2f%% equal)\n",
      a.engine.c_str(), a.agrees() ? "agrees" : "DISAGREES", (unsigned long long)a.frames,
      (unsigned long long)a.reference_frames, (unsigned long long)t.equal,
      (unsigned long long)t.different, (unsigned long long)t.absent, (unsigned long long)t.missing,
      judged ? 100.0 * double(t.equal) / double(judged) : 100.0);
  size_t agreeing = 0;
  for (const auto& [field, f] : a.fields) {
    if (f.different == 0 && f.absent == 0 && (f.missing == 0 || !a.strict)) {
      agreeing += f.equal > 0;
      continue;
    }
    std::printf("  %-48s equal %llu, different %llu, absent %llu, not written %llu\n",
                field.c_str(), (unsigned long long)f.equal, (unsigned long long)f.different,
                (unsigned long long)f.absent, (unsigned long long)f.missing);
    auto example = a.examples.find(field);
    if (example != a.examples.end()) std::printf("    first: %s\n", example->second.c_str());
  }
  std::printf("  %zu fields equal on every record the engine wrote them in\n", agreeing);
}

}  // namespace pcapkit::cli::bench
