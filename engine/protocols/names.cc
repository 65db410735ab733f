#include "engine/protocols/names.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "engine/protocols/registry.h"

namespace pcapkit::protocols {

namespace {

struct Named {
  uint64_t value;
  const char* name;
};

template <size_t N>
const char* Find(const Named (&table)[N], uint64_t value) {
  for (const Named& n : table)
    if (n.value == value) return n.name;
  return nullptr;
}

const char* RegisteredName(Table table, uint64_t key) {
  const Registry& r = Registry::Builtin();
  ProtocolId id = key <= UINT32_MAX ? r.Lookup(table, uint32_t(key)) : ProtocolId::kNone;
  return id == ProtocolId::kNone ? nullptr : r.Info(id).name;
}

// RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa, reserved so that peers meet unknown values.
bool Grease(uint64_t v) {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff) && v <= 0xffff;
}

}  // namespace

const char* EtherTypeName(uint64_t type) {
  return type >= 0x0600 ? RegisteredName(Table::kEtherType, type) : nullptr;
}

const char* IpProtocolName(uint64_t protocol) {
  return RegisteredName(Table::kIpProto, protocol);
}

const char* ArpOperationName(uint64_t oper) {
  static constexpr Named kNames[] = {{1, "request"},    {2, "reply"},         {3, "RARP request"},
                                     {4, "RARP reply"}, {8, "InARP request"}, {9, "InARP reply"},
                                     {10, "ARP NAK"}};
  return Find(kNames, oper);
}

const char* IcmpTypeName(uint64_t type) {
  static constexpr Named kNames[] = {{0, "Echo Reply"},           {3, "Destination Unreachable"},
                                     {4, "Source Quench"},        {5, "Redirect"},
                                     {8, "Echo Request"},         {9, "Router Advertisement"},
                                     {10, "Router Solicitation"}, {11, "Time Exceeded"},
                                     {12, "Parameter Problem"},   {13, "Timestamp"},
                                     {14, "Timestamp Reply"},     {15, "Information Request"},
                                     {16, "Information Reply"},   {17, "Address Mask Request"},
                                     {18, "Address Mask Reply"},  {42, "Extended Echo Request"},
                                     {43, "Extended Echo Reply"}};
  return Find(kNames, type);
}

const char* Icmpv6TypeName(uint64_t type) {
  static constexpr Named kNames[] = {{1, "Destination Unreachable"},
                                     {2, "Packet Too Big"},
                                     {3, "Time Exceeded"},
                                     {4, "Parameter Problem"},
                                     {128, "Echo Request"},
                                     {129, "Echo Reply"},
                                     {130, "Multicast Listener Query"},
                                     {131, "Multicast Listener Report"},
                                     {132, "Multicast Listener Done"},
                                     {133, "Router Solicitation"},
                                     {134, "Router Advertisement"},
                                     {135, "Neighbor Solicitation"},
                                     {136, "Neighbor Advertisement"},
                                     {137, "Redirect"},
                                     {138, "Router Renumbering"},
                                     {139, "Node Information Query"},
                                     {140, "Node Information Response"},
                                     {141, "Inverse Neighbor Discovery Solicitation"},
                                     {142, "Inverse Neighbor Discovery Advertisement"},
                                     {143, "Multicast Listener Report v2"},
                                     {151, "Multicast Router Advertisement"},
                                     {152, "Multicast Router Solicitation"},
                                     {153, "Multicast Router Termination"},
                                     {155, "RPL Control"},
                                     {160, "Extended Echo Request"},
                                     {161, "Extended Echo Reply"}};
  return Find(kNames, type);
}

const char* DnsTypeName(uint64_t type) {
  static constexpr Named kNames[] = {
      {1, "A"},           {2, "NS"},      {5, "CNAME"},   {6, "SOA"},       {12, "PTR"},
      {13, "HINFO"},      {15, "MX"},     {16, "TXT"},    {17, "RP"},       {18, "AFSDB"},
      {24, "SIG"},        {25, "KEY"},    {28, "AAAA"},   {29, "LOC"},      {33, "SRV"},
      {35, "NAPTR"},      {36, "KX"},     {37, "CERT"},   {39, "DNAME"},    {41, "OPT"},
      {42, "APL"},        {43, "DS"},     {44, "SSHFP"},  {45, "IPSECKEY"}, {46, "RRSIG"},
      {47, "NSEC"},       {48, "DNSKEY"}, {49, "DHCID"},  {50, "NSEC3"},    {51, "NSEC3PARAM"},
      {52, "TLSA"},       {53, "SMIMEA"}, {55, "HIP"},    {59, "CDS"},      {60, "CDNSKEY"},
      {61, "OPENPGPKEY"}, {62, "CSYNC"},  {63, "ZONEMD"}, {64, "SVCB"},     {65, "HTTPS"},
      {99, "SPF"},        {249, "TKEY"},  {250, "TSIG"},  {251, "IXFR"},    {252, "AXFR"},
      {253, "MAILB"},     {254, "MAILA"}, {255, "ANY"},   {256, "URI"},     {257, "CAA"},
      {32768, "TA"},      {32769, "DLV"}};
  return Find(kNames, type);
}

const char* DnsClassName(uint64_t klass) {
  static constexpr Named kNames[] = {{1, "IN"}, {3, "CH"}, {4, "HS"}, {254, "NONE"}, {255, "ANY"}};
  return Find(kNames, klass);
}

const char* DnsOpcodeName(uint64_t opcode) {
  static constexpr Named kNames[] = {{0, "QUERY"},  {1, "IQUERY"}, {2, "STATUS"},
                                     {4, "NOTIFY"}, {5, "UPDATE"}, {6, "DSO"}};
  return Find(kNames, opcode);
}

const char* DnsRcodeName(uint64_t rcode) {
  static constexpr const char* kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                           "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                           "NXRRSET", "NOTAUTH", "NOTZONE",  "DSOTYPENI"};
  return rcode < std::size(kNames) ? kNames[rcode] : nullptr;
}

const char* TlsVersionName(uint64_t version) {
  static constexpr Named kNames[] = {
      {0x0200, "SSL 2.0"},  {0x0300, "SSL 3.0"},  {0x0301, "TLS 1.0"},
      {0x0302, "TLS 1.1"},  {0x0303, "TLS 1.2"},  {0x0304, "TLS 1.3"},
      {0xfeff, "DTLS 1.0"}, {0xfefd, "DTLS 1.2"}, {0xfefc, "DTLS 1.3"}};
  return Grease(version) ? "GREASE" : Find(kNames, version);
}

const char* TlsContentTypeName(uint64_t type) {
  static constexpr Named kNames[] = {
      {20, "change_cipher_spec"}, {21, "alert"},     {22, "handshake"}, {23, "application_data"},
      {24, "heartbeat"},          {25, "tls12_cid"}, {26, "ACK"}};
  return Find(kNames, type);
}

const char* TlsHandshakeTypeName(uint64_t type) {
  static constexpr Named kNames[] = {
      {0, "hello_request"},           {1, "client_hello"},         {2, "server_hello"},
      {3, "hello_verify_request"},    {4, "new_session_ticket"},   {5, "end_of_early_data"},
      {6, "hello_retry_request"},     {8, "encrypted_extensions"}, {11, "certificate"},
      {12, "server_key_exchange"},    {13, "certificate_request"}, {14, "server_hello_done"},
      {15, "certificate_verify"},     {16, "client_key_exchange"}, {20, "finished"},
      {21, "certificate_url"},        {22, "certificate_status"},  {24, "key_update"},
      {25, "compressed_certificate"}, {254, "message_hash"}};
  return Find(kNames, type);
}

const char* TlsExtensionName(uint64_t type) {
  static constexpr Named kNames[] = {{0, "server_name"},
                                     {1, "max_fragment_length"},
                                     {5, "status_request"},
                                     {10, "supported_groups"},
                                     {11, "ec_point_formats"},
                                     {13, "signature_algorithms"},
                                     {14, "use_srtp"},
                                     {15, "heartbeat"},
                                     {16, "application_layer_protocol_negotiation"},
                                     {17, "status_request_v2"},
                                     {18, "signed_certificate_timestamp"},
                                     {19, "client_certificate_type"},
                                     {20, "server_certificate_type"},
                                     {21, "padding"},
                                     {22, "encrypt_then_mac"},
                                     {23, "extended_master_secret"},
                                     {27, "compress_certificate"},
                                     {28, "record_size_limit"},
                                     {35, "session_ticket"},
                                     {41, "pre_shared_key"},
                                     {42, "early_data"},
                                     {43, "supported_versions"},
                                     {44, "cookie"},
                                     {45, "psk_key_exchange_modes"},
                                     {47, "certificate_authorities"},
                                     {48, "oid_filters"},
                                     {49, "post_handshake_auth"},
                                     {50, "signature_algorithms_cert"},
                                     {51, "key_share"},
                                     {57, "quic_transport_parameters"},
                                     {17513, "application_settings"},
                                     {65037, "encrypted_client_hello"},
                                     {65281, "renegotiation_info"}};
  return Grease(type) ? "GREASE" : Find(kNames, type);
}

// OpenSSL knows the IANA name of every suite it implements, TLS 1.3's included; its table
// is read once, into a sorted list that any thread may search.
const char* TlsCipherSuiteName(uint64_t suite) {
  static const std::vector<std::pair<uint16_t, const char*>> kSuites = [] {
    std::vector<std::pair<uint16_t, const char*>> suites;
    SSL_CTX* ctx = SSL_CTX_new(TLS_method());
    SSL* ssl = ctx != nullptr ? SSL_new(ctx) : nullptr;
    for (uint32_t v = 0; ssl != nullptr && v <= 0xffff; ++v) {
      const unsigned char id[2] = {uint8_t(v >> 8), uint8_t(v)};
      if (const SSL_CIPHER* c = SSL_CIPHER_find(ssl, id))
        if (const char* name = SSL_CIPHER_standard_name(c)) suites.emplace_back(uint16_t(v), name);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return suites;
  }();
  if (Grease(suite)) return "GREASE";
  if (suite > 0xffff) return nullptr;
  auto it = std::lower_bound(kSuites.begin(), kSuites.end(),
                             std::pair<uint16_t, const char*>(uint16_t(suite), nullptr),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
  return it != kSuites.end() && it->first == suite ? it->second : nullptr;
}

}  // namespace pcapkit::protocols
