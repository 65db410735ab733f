#include <algorithm>
#include <vector>

#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {
namespace {

// Every file's readers and `raw`'s, sorted by key for a binary search.
std::vector<LayerReader> AllReaders() {
  std::vector<LayerReader> all = {{"raw", ReadRaw}};
  for (auto readers : {LinkReaders(), WifiReaders(), InternetReaders(), TransportReaders(),
                       ApplicationReaders(), GtpcReaders()})
    all.insert(all.end(), readers.begin(), readers.end());
  std::sort(all.begin(), all.end(),
            [](const LayerReader& a, const LayerReader& b) { return a.key < b.key; });
  return all;
}

}  // namespace

const std::vector<LayerReader>& AllLayerReaders() {
  static const std::vector<LayerReader> readers = AllReaders();
  return readers;
}

const LayerReader* FindLayerReader(std::string_view key) {
  const std::vector<LayerReader>& readers = AllLayerReaders();
  auto it = std::lower_bound(readers.begin(), readers.end(), key,
                             [](const LayerReader& r, std::string_view k) { return r.key < k; });
  return it != readers.end() && it->key == key ? &*it : nullptr;
}

void ReadRaw(FieldReader& f, Packet& p) {
  if (!f.Has("data")) return f.Fail("data", "missing: extract with --payload keeps raw bytes");
  p.Append(Raw{f.Hex("data")});
}

std::vector<Option> ReadKindLengthOptions(FieldReader& layer, std::string_view kind_key,
                                          OptionValueFn value) {
  std::vector<Option> options;
  layer.EachObject("options", [&](FieldReader& o) {
    Option option{.kind = o.U8(kind_key)};
    if (o.Has("error")) {  // a bad length: its bytes as they were, to the header's end
      Bytes rest = o.Hex("rest");
      option.truncated = rest.size() < 2;
      if (rest.size() >= 2) option.length = rest[1];
      if (rest.size() > 2) option.data.assign(rest.begin() + 2, rest.end());
      options.push_back(std::move(option));
      return;
    }
    if (o.Has("len")) {
      option.length = o.U8("len");
      option.data = value(option.kind, o);
      // Members that say less than the option held (a longer value than its kind's,
      // bits the record does not keep) would rebuild another option.
      if (o.ok() && option.data.size() + 2 != *option.length)
        o.Fail("len",
               "the option's members do not make its " + std::to_string(*option.length) + " bytes");
    }
    options.push_back(std::move(option));
  });
  return options;
}

}  // namespace pcapkit::ipsuite::records
