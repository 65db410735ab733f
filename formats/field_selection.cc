#include "formats/field_selection.h"

#include <algorithm>
#include <set>

namespace pcapkit::formats {

namespace {

// A FieldSpec path as -e names it: list brackets dropped ("options[].mss" -> "options.mss").
std::string SelectableName(std::string_view path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path.substr(i, 2) == "[]") {
      ++i;
      continue;
    }
    out += path[i];
  }
  return out;
}

// The FieldSpec naming `path` in `specs`, or null.
const protocols::FieldSpec* FindSpec(std::span<const protocols::FieldSpec> specs,
                                     std::string_view path) {
  for (const protocols::FieldSpec& f : specs)
    if (SelectableName(f.path) == path) return &f;
  return nullptr;
}

// The top-level member a FieldSpec path lies under ("request.method" -> "request",
// "comment[]" -> "comment").
std::string_view TopLevel(std::string_view path) {
  return path.substr(0, path.find_first_of(".["));
}

// Whether `spec` is a list whose items are scalars ("comment" beside "comment[]").
bool ListOfScalars(std::span<const protocols::FieldSpec> specs, const protocols::FieldSpec& spec) {
  if (!(spec.types & protocols::kList)) return false;
  std::string items = std::string(spec.path) + "[]";
  for (const protocols::FieldSpec& f : specs)
    if (items == f.path) return !(f.types & (protocols::kObject | protocols::kList));
  return false;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// "unknown field 'ip.src' (nearest: ipv4.src, ipv6.src, ...)": the catalogue's names
// closest in edit distance, and those sharing the unknown name's last part.
std::string Unknown(const std::string& name, const FieldCatalogue& catalogue) {
  std::vector<std::pair<size_t, std::string>> ranked;
  std::string_view tail = std::string_view(name).substr(name.rfind('.') + 1);
  for (SelectableField& f : SelectableFields(catalogue)) {
    size_t d = EditDistance(name, f.name);
    std::string_view its_tail = std::string_view(f.name).substr(f.name.rfind('.') + 1);
    if (its_tail == tail && d > 2) d = 2 + d / 4;  // same field of a kindred protocol
    ranked.emplace_back(d, std::move(f.name));
  }
  std::sort(ranked.begin(), ranked.end());
  std::string out = "unknown field '" + name + "'";
  size_t shown = 0;
  for (const auto& [distance, candidate] : ranked) {
    if (shown == 5 || distance > std::max<size_t>(3, name.size() / 2)) break;
    out += (shown++ ? ", " : " (nearest: ") + candidate;
  }
  return out + (shown ? "; " : " (") + "see `pcapkit fields`)";
}

}  // namespace

Status FieldSelection::Make(const FieldOptions& options, const FieldCatalogue& catalogue,
                            std::shared_ptr<const FieldSelection>* out) {
  if (options.names.empty()) return Status::InvalidArgument("-e: no field selected");
  std::shared_ptr<FieldSelection> s(new FieldSelection());
  s->occurrence_ = options.occurrence;
  s->header_ = options.header;
  s->NewNode();  // kRoot
  if (catalogue.layers != nullptr) {
    size_t count = catalogue.layers->All().size();
    s->layer_roots_.assign(count, kNone);
    s->selected_members_.resize(count);
    s->needs_writer_.assign(count, false);
  }
  for (const std::string& name : options.names) {
    if (std::find(s->names_.begin(), s->names_.end(), name) != s->names_.end())
      return Status::InvalidArgument("-e " + name + ": the field is selected twice");
    if (Status st = s->Add(name, catalogue); !st.ok()) return st;
  }
  if (catalogue.layers != nullptr) s->ResolveMembers(*catalogue.layers);
  *out = std::move(s);
  return Status::Ok();
}

void FieldSelection::NoteRecordMember(std::span<const protocols::FieldSpec> members,
                                      std::string_view top) {
  if (members.size() > 64) {  // beyond the mask: every member is written
    member_mask_ = ~uint64_t{0};
    return;
  }
  for (size_t i = 0; i < members.size(); ++i)
    if (TopLevel(members[i].path) == top) member_mask_ |= uint64_t{1} << i;
}

// A record member first (frame members have no protocol key in front), then a protocol
// key and a path in its layer, for every protocol registered under that key (DNS over
// UDP and over TCP write one record shape).
Status FieldSelection::Add(const std::string& name, const FieldCatalogue& catalogue) {
  if (name.empty() || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string::npos)
    return Status::InvalidArgument("-e '" + name + "': not a field name (see `pcapkit fields`)");
  uint32_t column = uint32_t(names_.size());
  bool spliced = false;
  if (const protocols::FieldSpec* f = FindSpec(catalogue.members, name)) {
    Insert(kRoot, name, column, ListOfScalars(catalogue.members, *f));
    types_.push_back(f->types);
    NoteRecordMember(catalogue.members, TopLevel(f->path));
  } else if (const protocols::FieldSpec* g = FindSpec(catalogue.spliced, name)) {
    Insert(kRoot, name, column, false);
    types_.push_back(g->types);
    spliced = true;
  } else if (catalogue.layers != nullptr && name.find('.') != std::string::npos) {
    std::string_view key = std::string_view(name).substr(0, name.find('.'));
    std::string_view path = std::string_view(name).substr(key.size() + 1);
    uint16_t types = 0;
    bool items = false;
    std::vector<ProtocolId> ids;
    for (const protocols::ProtocolInfo& p : catalogue.layers->All())
      if (p.id != ProtocolId::kNone && p.key == key)
        if (const protocols::FieldSpec* spec = FindSpec(p.fields, path)) {
          types |= spec->types;
          items = items || ListOfScalars(p.fields, *spec);
          ids.push_back(p.id);
          NoteMember(p, path);
        }
    if (ids.empty()) return Status::InvalidArgument(Unknown(name, catalogue));
    for (ProtocolId id : ids) {
      uint32_t& root = layer_roots_[size_t(id)];
      if (root == kNone) {
        // Roots are shared by the registrations of one key: find one made already.
        for (ProtocolId other : ids)
          if (layer_roots_[size_t(other)] != kNone) root = layer_roots_[size_t(other)];
        if (root == kNone) root = NewNode();
      }
      Insert(root, path, column, items);
    }
    types_.push_back(types);
  } else if (!catalogue.checked) {
    Insert(kRoot, name, column, false);
    types_.push_back(0);
  } else {
    return Status::InvalidArgument(Unknown(name, catalogue));
  }
  names_.push_back(name);
  spliced_.push_back(spliced);
  return Status::Ok();
}

void FieldSelection::NoteMember(const protocols::ProtocolInfo& p, std::string_view path) {
  const protocols::FieldSpec* top = FindSpec(p.fields, path.substr(0, path.find('.')));
  if (top == nullptr || top->member == nullptr) {
    needs_writer_[size_t(p.id)] = true;
    return;
  }
  std::vector<const protocols::FieldSpec*>& selected = selected_members_[size_t(p.id)];
  if (std::find(selected.begin(), selected.end(), top) == selected.end()) selected.push_back(top);
}

// A layer whose selected fields all lie under members with writers of their own is
// described by those writers alone: `-e ipv4.src` skips the other fourteen members and
// the options, which the collector would otherwise test one by one.
void FieldSelection::ResolveMembers(const protocols::Registry& registry) {
  layer_members_.resize(selected_members_.size());
  for (size_t id = 0; id < selected_members_.size(); ++id) {
    if (selected_members_[id].empty() || needs_writer_[id]) continue;
    for (const protocols::FieldSpec& f : registry.Info(ProtocolId(id)).fields)
      if (std::find(selected_members_[id].begin(), selected_members_[id].end(), &f) !=
          selected_members_[id].end())
        layer_members_[id].push_back(f.member);
  }
}

// Makes `path` ("flags.syn") below `from` select `column`.
uint32_t FieldSelection::Insert(uint32_t from, std::string_view path, uint32_t column, bool items) {
  uint32_t at = from;
  auto note = [&](uint32_t node) {  // registrations sharing a root insert twice
    if (nodes_[node].below.empty() || nodes_[node].below.back() != column)
      nodes_[node].below.push_back(column);
  };
  note(at);
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view part = path.substr(0, dot);
    uint32_t next = Child(at, part);
    if (next == kNone) {
      next = NewNode();
      nodes_[at].children.emplace_back(std::string(part), next);
    }
    at = next;
    note(at);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  nodes_[at].column = column;
  nodes_[at].items = items;
  return at;
}

uint32_t FieldSelection::NewNode() {
  nodes_.emplace_back();
  return uint32_t(nodes_.size() - 1);
}

std::vector<SelectableField> SelectableFields(const FieldCatalogue& catalogue) {
  std::vector<SelectableField> out;
  for (auto specs : {catalogue.members, catalogue.spliced})
    for (const protocols::FieldSpec& f : specs)
      out.push_back({SelectableName(f.path), f.types, "", f.meaning});
  if (catalogue.layers == nullptr) return out;
  std::set<std::string> seen;  // a key registered twice lists its fields once
  for (const protocols::ProtocolInfo& p : catalogue.layers->All()) {
    if (p.id == ProtocolId::kNone) continue;
    for (const protocols::FieldSpec& f : p.fields) {
      std::string name = std::string(p.key) + "." + SelectableName(f.path);
      if (seen.insert(name).second) out.push_back({name, f.types, p.key, f.meaning});
    }
  }
  return out;
}

}  // namespace pcapkit::formats
