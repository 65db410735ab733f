// The whole `pcapkit extract` job from the C++ API: the same options, the same report.
//
//   ./build/examples/extract_report sample/sample.pcap out.ndjson
#include <cstdio>

#include "pcapkit/pcapkit.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CAPTURE OUTPUT.{json,ndjson}\n", argv[0]);
    return 2;
  }
  try {
    pcapkit::ExtractOptions options;
    options.input = argv[1];
    options.output = argv[2];  // the format follows the extension, as with -o
    pcapkit::ExtractSummary summary = pcapkit::Extractor(options).Run();
    std::printf("%llu frames (%llu bytes) written to %s\n",
                static_cast<unsigned long long>(summary.frames),
                static_cast<unsigned long long>(summary.bytes), summary.output.c_str());
  } catch (const pcapkit::InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  } catch (const pcapkit::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
