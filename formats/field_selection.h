// -e / --fields: which values of each record become the columns of a flat report (csv,
// tsv, ndjson with fields). A field is a member of the record by its path ("number",
// "request.method"), or, in frame records, `<protocol key>.<path>` ("tcp.srcport"): that
// protocol's layers wherever they sit in the stack, behind VLANs, tunnels or extension
// headers, so one name is one column. Paths go through lists without brackets
// ("dns.questions.name" is every question's name: the occurrences of the field).
//
// Names are checked once, against the catalogue of the record kind (the FieldSpec tables
// docs/schema.md is made from), and resolved into a trie the collector walks while a
// record is described to it: no name is compared twice per record, and a layer with no
// selected field is never written at all.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/protocols/registry.h"
#include "engine/util/status.h"
#include "pcapkit/options.h"

namespace pcapkit::formats {

// What a record kind offers to select.
struct FieldCatalogue {
  std::span<const protocols::FieldSpec> members;  // the record's own members
  // Frame records: every protocol's fields, under its key.
  const protocols::Registry* layers = nullptr;
  // False for a record kind whose names are not all in `members` (reassembly records,
  // whose packets hold layers): a name not there is taken as written (and selects nothing
  // when no record has it).
  bool checked = true;
  // Members a serial stage splices into records written in parallel (extract --flow-id's
  // `community_id` and `flow`): selectable, their cells left for that stage to fill.
  std::span<const protocols::FieldSpec> spliced = {};
};

class FieldSelection {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // One node of the trie: a member name below its parent, and the column it selects.
  struct Node {
    std::vector<std::pair<std::string, uint32_t>> children;  // name, node index
    uint32_t column = kNone;
    // A list of scalars (`comment`, `txt`): its items are the column's occurrences; any
    // other list or object selected whole is one occurrence, its JSON.
    bool items = false;
    std::vector<uint32_t> below;  // the columns of this node and those under it
  };

  // An unknown field, a duplicate or an empty list is InvalidArgument; an unknown one
  // names the nearest known names.
  static Status Make(const FieldOptions& options, const FieldCatalogue& catalogue,
                     std::shared_ptr<const FieldSelection>* out);

  const std::vector<std::string>& names() const { return names_; }
  // FieldType bits the catalogue declares for column `c` (0: not declared).
  uint16_t types(size_t c) const { return types_[c]; }
  FieldOccurrence occurrence() const { return occurrence_; }
  // Column `c` is filled by a serial stage at a splice point (FieldCatalogue::spliced).
  bool spliced(size_t c) const { return spliced_[c]; }
  bool header() const { return header_; }

  const Node& node(uint32_t i) const { return nodes_[i]; }
  // The record's own members.
  static constexpr uint32_t kRoot = 0;
  bool wants_members() const { return !nodes_[kRoot].children.empty(); }
  // The record's own members a selected name lies under, bit i for FieldCatalogue::members[i]:
  // a record writer that knows its members' order (WriteFrameMembers) writes only those.
  uint64_t member_mask() const { return member_mask_; }
  // The node of protocol `id`'s layer, kNone when no field of it is selected.
  uint32_t LayerRoot(ProtocolId id) const {
    size_t i = size_t(id);
    return i < layer_roots_.size() ? layer_roots_[i] : kNone;
  }
  // The member writers (FieldSpec::member) that describe every field selected in protocol
  // `id`'s layer, in the layer's order; empty when the layer's whole writer must run.
  std::span<const protocols::WriteFn> LayerMembers(ProtocolId id) const {
    size_t i = size_t(id);
    return i < layer_members_.size() ? std::span<const protocols::WriteFn>(layer_members_[i])
                                     : std::span<const protocols::WriteFn>();
  }
  // The child of `node` named `key`, kNone when nothing selected lies below it.
  uint32_t Child(uint32_t node, std::string_view key) const {
    // Called for every member described: most differ in length or first letter.
    for (const auto& [name, child] : nodes_[node].children)
      if (name.size() == key.size() && name[0] == key[0] && Same(name, key)) return child;
    return kNone;
  }

 private:
  FieldSelection() = default;
  // `a` and `b` have one length and first letter. Names are short: two overlapping loads
  // of 8 (or 4) bytes each compare them without a memcmp call or a byte loop.
  static bool Same(std::string_view a, std::string_view b) {
    size_t n = a.size();
    if (n >= 8)
      return Load<uint64_t>(a, 0) == Load<uint64_t>(b, 0) &&
             Load<uint64_t>(a, n - 8) == Load<uint64_t>(b, n - 8) &&
             (n <= 16 || a.substr(8, n - 16) == b.substr(8, n - 16));
    if (n >= 4)
      return Load<uint32_t>(a, 0) == Load<uint32_t>(b, 0) &&
             Load<uint32_t>(a, n - 4) == Load<uint32_t>(b, n - 4);
    return n < 2 || (a[1] == b[1] && a[n - 1] == b[n - 1]);
  }
  template <class Word>
  static Word Load(std::string_view s, size_t at) {
    Word w;
    std::memcpy(&w, s.data() + at, sizeof w);
    return w;
  }
  Status Add(const std::string& name, const FieldCatalogue& catalogue);
  // Sets member_mask_'s bits of the members under the top-level name `top`.
  void NoteRecordMember(std::span<const protocols::FieldSpec> members, std::string_view top);
  // Notes the top-level member of protocol `p` that selected `path` lies under.
  void NoteMember(const protocols::ProtocolInfo& p, std::string_view path);
  // Fills layer_members_ once every name is in.
  void ResolveMembers(const protocols::Registry& registry);
  uint32_t Insert(uint32_t from, std::string_view path, uint32_t column, bool items);
  uint32_t NewNode();

  std::vector<std::string> names_;
  std::vector<uint16_t> types_;
  std::vector<bool> spliced_;
  std::vector<Node> nodes_;
  std::vector<uint32_t> layer_roots_;  // by ProtocolId
  // By ProtocolId: the top-level members selected, and whether one of them has no member
  // writer of its own (then the whole writer runs).
  std::vector<std::vector<const protocols::FieldSpec*>> selected_members_;
  std::vector<bool> needs_writer_;
  std::vector<std::vector<protocols::WriteFn>> layer_members_;
  uint64_t member_mask_ = 0;
  FieldOccurrence occurrence_ = FieldOccurrence::kFirst;
  bool header_ = true;
};

// Every name a catalogue offers, as -e takes it ("number", "tcp.flags.syn"), with its
// FieldType bits and the protocol key it belongs to ("" for the record's own members).
struct SelectableField {
  std::string name;
  uint16_t types;
  std::string protocol;
  std::string meaning;
};
std::vector<SelectableField> SelectableFields(const FieldCatalogue& catalogue);

}  // namespace pcapkit::formats
