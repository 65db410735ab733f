#include "engine/analysis/ftp_text.h"

#include <arpa/inet.h>

#include <vector>

namespace pcapkit::analysis::ftp {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// A decimal number of 1 to 5 digits at `pos`, no larger than `max`; `pos` moves past it.
bool Number(std::string_view text, size_t& pos, uint32_t max, uint32_t* out) {
  uint32_t v = 0;
  size_t start = pos;
  while (pos < text.size() && IsDigit(text[pos]) && pos - start < 5)
    v = v * 10 + (text[pos++] - '0');
  if (pos == start || (pos < text.size() && IsDigit(text[pos])) || v > max) return false;
  *out = v;
  return true;
}

// Six comma-separated numbers of 0 to 255 starting at `pos`.
bool HostPortAt(std::string_view text, size_t pos, Endpoint* out) {
  uint32_t n[6];
  for (int i = 0; i < 6; ++i) {
    if (i > 0 && (pos >= text.size() || text[pos++] != ',')) return false;
    if (!Number(text, pos, 255, &n[i])) return false;
  }
  *out = Endpoint{};
  for (int i = 0; i < 4; ++i) out->host[i] = uint8_t(n[i]);
  out->port = uint16_t(n[4] << 8 | n[5]);
  return true;
}

}  // namespace

bool ParseHostPort(std::string_view text, Endpoint* out) {
  for (size_t i = 0; i < text.size(); ++i)
    if (IsDigit(text[i]) && (i == 0 || !IsDigit(text[i - 1])) && HostPortAt(text, i, out))
      return true;
  return false;
}

bool ParseEprt(std::string_view arg, Endpoint* out) {
  if (arg.size() < 2) return false;
  const char d = arg[0];
  std::string_view field[3];
  size_t pos = 1;
  for (std::string_view& f : field) {
    size_t end = arg.find(d, pos);
    if (end == std::string_view::npos) return false;
    f = arg.substr(pos, end - pos);
    pos = end + 1;
  }
  uint32_t port = 0;
  size_t at = 0;
  if (field[0] != "1" && field[0] != "2") return false;
  if (!Number(field[2], at, 65535, &port) || at != field[2].size() || port == 0) return false;
  // inet_pton wants a terminated string: the address is copied, bounded.
  if (field[1].size() > 45) return false;
  std::string host(field[1]);
  Endpoint e;
  e.ipv6 = field[0] == "2";
  if (inet_pton(e.ipv6 ? AF_INET6 : AF_INET, host.c_str(), e.host) != 1) return false;
  e.port = uint16_t(port);
  *out = e;
  return true;
}

bool ParseEpsvPort(std::string_view text, uint16_t* port) {
  for (size_t open = text.find('('); open != std::string_view::npos;
       open = text.find('(', open + 1)) {
    size_t pos = open + 1;
    if (pos + 4 > text.size()) return false;
    const char d = text[pos];
    if (IsDigit(d) || text[pos + 1] != d || text[pos + 2] != d) continue;
    pos += 3;
    uint32_t v = 0;
    if (!Number(text, pos, 65535, &v) || v == 0 || pos >= text.size() || text[pos] != d) continue;
    *port = uint16_t(v);
    return true;
  }
  return false;
}

bool ParseQuoted(std::string_view text, std::string* out) {
  size_t pos = text.find('"');
  if (pos == std::string_view::npos) return false;
  std::string name;
  for (++pos; pos < text.size(); ++pos) {
    if (text[pos] != '"') {
      name.push_back(text[pos]);
    } else if (pos + 1 < text.size() && text[pos + 1] == '"') {
      name.push_back('"');
      ++pos;
    } else {
      *out = std::move(name);
      return true;
    }
  }
  return false;  // never closed: not a name we can trust
}

std::string ChangeDirectory(std::string_view cwd, std::string_view arg) {
  if (arg.empty() || (arg[0] != '/' && cwd.empty())) return {};
  std::string path = arg[0] == '/' ? std::string(arg) : std::string(cwd) + "/" + std::string(arg);
  const bool absolute = path[0] == '/';
  std::vector<std::string_view> parts;
  std::string_view rest = path;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part != "..")
      parts.push_back(part);
    else if (!parts.empty() && parts.back() != "..")
      parts.pop_back();
    else if (!absolute)  // above a relative start: kept, as nothing says where it leads
      parts.push_back(part);
  }
  std::string out;
  for (std::string_view part : parts) {
    if (absolute || !out.empty()) out += '/';
    out += part;
  }
  if (out.empty()) return std::string(absolute ? "/" : ".");
  return out;
}

}  // namespace pcapkit::analysis::ftp
