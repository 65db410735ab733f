// JSON as an ETL job reads it: a record that names a member twice is wrong even though
// JSON parsers accept it (most keep one of the two values silently). Shared by the unit
// tests and the fuzz targets' oracles.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace testutil {

// Accepts any JSON document but flags an object that names a member twice.
class DuplicateKeyCheck final : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool duplicate = false;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    keys_.emplace_back();
    return true;
  }
  bool key(string_t& k) override {
    if (!keys_.back().insert(k).second) duplicate = true;
    return true;
  }
  bool end_object() override {
    keys_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  std::vector<std::set<std::string>> keys_;
};

// What is wrong with `text` as strict JSON, or null when nothing is.
inline const char* StrictJsonProblem(std::string_view text) {
  DuplicateKeyCheck check;
  if (!nlohmann::json::sax_parse(text, &check)) return "not JSON";
  return check.duplicate ? "a JSON object repeats a key" : nullptr;
}

// Parses `text`; throws std::invalid_argument if it is not JSON or repeats a key.
inline nlohmann::json StrictParse(std::string_view text) {
  if (const char* problem = StrictJsonProblem(text))
    throw std::invalid_argument(std::string(problem) + ": " + std::string(text.substr(0, 200)));
  return nlohmann::json::parse(text);
}

}  // namespace testutil
