// What the FTP analyser reads out of command arguments and reply texts: the data
// connection's endpoint (PORT, EPRT, and the replies to PASV and EPSV), the directory a
// 257 reply quotes, and the current directory a CWD or CDUP leads to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pcapkit::analysis::ftp {

// Where a data connection is to be opened.
struct Endpoint {
  bool ipv6 = false;
  uint8_t host[16] = {};  // 4 or 16 bytes used
  uint16_t port = 0;
};

// The first "h1,h2,h3,h4,p1,p2" in `text`: a PORT argument, or a 227 reply, whose numbers
// may stand anywhere in the text (RFC 1123 4.1.2.6).
bool ParseHostPort(std::string_view text, Endpoint* out);
// EPRT's "|1|132.235.1.2|6275|" or "|2|::1|6275|" (RFC 2428), any delimiter.
bool ParseEprt(std::string_view arg, Endpoint* out);
// The port of a 229 reply's "(|||6446|)" (RFC 2428); the host is the control server's.
bool ParseEpsvPort(std::string_view text, uint16_t* port);
// The first quoted name in a reply ("/usr/dm" of `257 "/usr/dm" is current directory`),
// its doubled quotes undone (RFC 959 appendix II).
bool ParseQuoted(std::string_view text, std::string* out);
// The directory `arg` names when `cwd` is the current one: `arg` itself when absolute,
// else joined to `cwd`; "." and ".." resolved. Empty when it cannot be known (a relative
// `arg` and no `cwd`).
std::string ChangeDirectory(std::string_view cwd, std::string_view arg);

}  // namespace pcapkit::analysis::ftp
