// Iterate a capture's frames with the C++ API and pick fields out of typed layer views.
//
//   ./build/examples/iterate_frames sample/sample.pcap
#include <cstdio>

#include "pcapkit/pcapkit.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CAPTURE\n", argv[0]);
    return 2;
  }
  try {
    pcapkit::ExtractOptions options;
    options.input = argv[1];
    options.stop_layer = pcapkit::LayerLevel::kTransport;  // same as -L transport
    pcapkit::Extractor extractor(options);
    size_t tcp = 0, udp = 0;
    while (const pcapkit::Frame* frame = extractor.Next()) {
      std::printf("%4llu %-40s", static_cast<unsigned long long>(frame->number()),
                  frame->protocols().c_str());
      if (auto ip = frame->get<pcapkit::Ipv4>()) {
        std::printf(" %s -> %s ttl %u", pcapkit::FormatIpv4(ip->src()).c_str(),
                    pcapkit::FormatIpv4(ip->dst()).c_str(), ip->ttl());
      } else if (auto ip6 = frame->get<pcapkit::Ipv6>()) {
        std::printf(" %s -> %s", pcapkit::FormatIpv6(ip6->src()).c_str(),
                    pcapkit::FormatIpv6(ip6->dst()).c_str());
      }
      if (auto t = frame->get<pcapkit::Tcp>()) {
        ++tcp;
        std::printf(" tcp %u->%u%s", t->srcport(), t->dstport(), t->syn() ? " SYN" : "");
      }
      if (frame->has("udp")) ++udp;
      std::printf("\n");
    }
    std::printf("%zu TCP and %zu UDP frames\n", tcp, udp);
  } catch (const pcapkit::InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());  // every frame before it was handled
    return 1;
  } catch (const pcapkit::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
