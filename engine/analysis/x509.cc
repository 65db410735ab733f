#include "engine/analysis/x509.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>

#include "engine/analysis/tls_fingerprint.h"
#include "engine/util/hex.h"

namespace pcapkit::analysis::tls {
namespace {

std::string NameText(const X509_NAME* name) {
  std::string out;
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return out;
  if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    if (n > 0) out.assign(data, size_t(n));
  }
  BIO_free(bio);
  return out;
}

std::string TimeText(const ASN1_TIME* t) {
  struct tm tm = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(buf, size_t(n));
}

// The serial's bytes as DER has them (big-endian magnitude), in hex.
std::string SerialText(const ASN1_INTEGER* serial) {
  std::string out;
  if (serial == nullptr) return out;
  if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER) out.push_back('-');
  util::AppendHex(out, ASN1_STRING_get0_data(serial), size_t(ASN1_STRING_length(serial)));
  return out;
}

std::string AddressText(const ASN1_OCTET_STRING* ip) {
  char buf[48];
  const uint8_t* p = ASN1_STRING_get0_data(ip);
  switch (ASN1_STRING_length(ip)) {
    case 4:
      return std::string(buf, util::WriteIpv4(buf, p));
    case 16:
      return std::string(buf, util::WriteIpv6(buf, p));
  }
  return util::Hex(p, size_t(ASN1_STRING_length(ip)));  // a malformed address: its bytes
}

// subjectAltName's DNS names and IP addresses; the other kinds (e-mail, URI, ...) are not
// host names and are left out.
void Sans(X509* x, std::vector<std::string>& out) {
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type == GEN_DNS) {
      const ASN1_IA5STRING* s = g->d.dNSName;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       size_t(ASN1_STRING_length(s)));
    } else if (g->type == GEN_IPADD) {
      out.push_back(AddressText(g->d.iPAddress));
    }
  }
  GENERAL_NAMES_free(names);
}

}  // namespace

Certificate ParseCertificate(std::span<const uint8_t> der) {
  Certificate c;
  c.sha256 = Sha256Hex(der);
  const unsigned char* p = der.data();
  X509* x = der.empty() ? nullptr : d2i_X509(nullptr, &p, long(der.size()));
  if (x == nullptr) {
    ERR_clear_error();  // the thread's error queue would otherwise keep every failure
    c.error = "not a DER X.509 certificate";
    return c;
  }
  c.subject = NameText(X509_get_subject_name(x));
  c.issuer = NameText(X509_get_issuer_name(x));
  c.not_before = TimeText(X509_get0_notBefore(x));
  c.not_after = TimeText(X509_get0_notAfter(x));
  c.serial = SerialText(X509_get0_serialNumber(x));
  Sans(x, c.sans);
  X509_free(x);
  ERR_clear_error();
  return c;
}

}  // namespace pcapkit::analysis::tls
