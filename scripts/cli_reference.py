#!/usr/bin/env python3
"""Writes what the installed CLI ships beside itself, read from the CLI's own --help so
neither can drift from it (the build runs this after linking pcapkit; docs/install.md):

  cli_reference.py PCAPKIT completion OUT   bash completion: the verbs, each verb's flags,
                                            the values a flag lists (-f json, ndjson, ...),
                                            -e's field names and the protocol keys
  cli_reference.py PCAPKIT man-include OUT  help2man --include file: every verb's usage and
                                            options, the exit status, see also
tests/install reads --help again, its own way, and checks both hold every verb and flag.
"""
import re
import subprocess
import sys

COLUMN = 30  # CLI11's help puts descriptions in this column
NUMERIC = re.compile(r"^(U?INT|FLOAT|NUMBER)\b")
WORD = re.compile(r"^[a-z][a-z0-9/]*$")
# -e takes the names `pcapkit fields [KIND]` lists; which records a verb writes.
FIELD_KIND = {"flows": "flow", "analyse": "analysis"}


def run(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def entries(help_text, section):
    """(head, description) for each entry of a `Section:` of CLI11's help."""
    out, inside = [], False
    for line in help_text.splitlines():
        if not line.startswith(" "):
            inside = line.strip() == section + ":"
            continue
        if not inside or not line.strip():
            continue
        if line.startswith(" " * COLUMN) and out:  # a description on its own line
            head, desc = out[-1]
            out[-1] = (head, (desc + " " + line.strip()).strip())
        elif len(line) <= COLUMN or line[COLUMN - 1] == " ":
            out.append((line[:COLUMN].strip(), line[COLUMN:].strip()))
        else:  # the head is as wide as the column: the description follows
            out.append((line.strip(), ""))
    return out


def choices(desc):
    """The values a description lists: "json, ndjson, plist (default: ...)" or
    "strategy: sequential (default), server (...), pipeline (...)"."""
    text = re.sub(r"\([^)]*\)", "", desc)
    for part in (text.rsplit(": ", 1)[-1], text.split(": ", 1)[0]):
        words = [w for w in re.split(r"\s*,\s*|\s+or\s+", part.strip()) if w]
        if len(words) >= 2 and all(WORD.match(w) for w in words):
            return words
    return []


class Option:
    def __init__(self, head, desc):
        names, _, self.value = head.partition(" ")
        self.names = names.split(",")
        self.value = self.value.strip()
        self.desc = desc

    def completion(self):
        """What the value of this option completes to: a bash expression or None."""
        if not self.value or NUMERIC.match(self.value):
            return None
        if self.value.startswith("FIELD"):
            return "fields"
        if "-P" in self.names or "--protocol" in self.names:
            return "protocols"
        if choices(self.desc):
            return "words " + " ".join(choices(self.desc))
        if re.search(r"\b(file|FILE|report)\b", self.desc):
            return "files"
        if re.search(r"\b(folder|FOLDER)\b", self.desc):
            return "dirs"
        return None


def verbs(binary):
    """[(verb, aliases, summary, usage, [Option], [positional heads])] from --help."""
    out = []
    for head, summary in entries(run(binary, "--help"), "Subcommands"):
        names = [n.strip() for n in head.split(",")]
        text = run(binary, names[0], "--help")
        usage = next((l for l in text.splitlines() if l.startswith("Usage:")), "")
        options = [Option(h, d) for h, d in entries(text, "Options")]
        positionals = [h for h, _ in entries(text, "Positionals")]
        out.append((names[0], names[1:], summary, usage, options, positionals))
    return out


def completion(binary):
    table = verbs(binary)
    keys = []
    for line in run(binary, "protocols").splitlines()[1:]:
        key = line.split()[1] if len(line.split()) > 1 else ""
        if WORD.match(key):
            keys.append(key)

    def field_names(kind):
        args = ["fields"] + ([kind] if kind else [])
        return [l.split()[0] for l in run(binary, *args).splitlines()[1:] if l.strip()]

    names = [n for verb, aliases, *_ in table for n in [verb, *aliases]]
    lines = [
        "# bash completion for pcapkit: generated from `pcapkit --help` by",
        "# scripts/cli_reference.py when pcapkit is built; do not edit.",
        "_pcapkit() {",
        '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} verb="" i',
        "  for ((i = 1; i < COMP_CWORD; i++)); do",
        '    case ${COMP_WORDS[i]} in -*) ;; *) verb=${COMP_WORDS[i]}; break ;; esac',
        "  done",
        '  local flags="" values="" positional="files"',
        "  case $verb in",
        f'    "") flags="-h --help -V --version"; values="{" ".join(names)}"; positional="" ;;',
    ]
    for verb, aliases, _, _, options, positionals in table:
        kind = FIELD_KIND.get(verb, "")
        flags = " ".join(n for o in options for n in o.names)
        lines.append(f'    {"|".join([verb, *aliases])})')
        lines.append(f'      flags="{flags}"')
        if verb == "fields":
            lines.append(f'      positional="words {" ".join(keys + ["frame", "flow", "analysis"])}"')
        elif not positionals:
            lines.append('      positional=""')
        lines.append("      case $prev in")
        for o in options:
            what = o.completion()
            if what == "fields":
                what = "words " + " ".join(field_names(kind))
            elif what == "protocols":
                what = "words " + " ".join(keys)
            if o.value:  # an option taking a value: complete the value, or nothing
                lines.append(f'        {"|".join(o.names)}) positional="{what or ""}"; flags="" ;;')
        lines.append("      esac ;;")
    lines += [
        "  esac",
        '  if [[ $cur == -* && -n $flags ]]; then',
        '    COMPREPLY=($(compgen -W "$flags" -- "$cur"))',
        '  elif [[ -n $values ]]; then',
        '    COMPREPLY=($(compgen -W "$values" -- "$cur"))',
        "  else",
        "    case $positional in",
        '      files) COMPREPLY=($(compgen -f -- "$cur")) ;;',
        '      dirs) COMPREPLY=($(compgen -d -- "$cur")) ;;',
        '      words\\ *) COMPREPLY=($(compgen -W "${positional#words }" -- "$cur")) ;;',
        "      *) COMPREPLY=() ;;",
        "    esac",
        "  fi",
        "}",
        "complete -o filenames -F _pcapkit pcapkit",
    ]
    return "\n".join(lines) + "\n"


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def man_include(binary):
    out = ["[COMMANDS]", "A command's input is a capture (pcap, pcapng, snoop; gzip- or",
           "zstd-compressed), a file or \\- for stdin. Every command takes \\fB\\-\\-help\\fR."]
    for verb, aliases, summary, usage, options, positionals in verbs(binary):
        out.append(f'.SS "{verb}"' + (f" (also {', '.join(aliases)})" if aliases else ""))
        out.append(roff(summary))
        out.append(".PP")
        out.append(".B " + roff(usage.replace("Usage: ", "", 1)))
        for o in options:
            if "--help" in o.names:
                continue
            names = ", ".join(f"\\fB{roff(n)}\\fR" for n in o.names)
            value = f" \\fI{roff(o.value)}\\fR" if o.value else ""
            out += [".TP", names + value, roff(o.desc)]
    out += [
        "[EXIT STATUS]",
        "0 done; 1 input or output error (the message names the file, frame and byte offset;",
        "every earlier frame is written); 2 usage error; 3 internal error.",
        "[SEE ALSO]",
        "\\fBpcapkit fields\\fR lists every field \\fB\\-e\\fR takes; \\fBpcapkit protocols\\fR",
        "the dissected protocols. The project's docs/cli.md (the command line),",
        "docs/schema.md (the records) and docs/api.md (the C++ library).",
    ]
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 4 or argv[2] not in ("completion", "man-include"):
        sys.exit(__doc__)
    binary, what = argv[1], argv[2]
    text = completion(binary) if what == "completion" else man_include(binary)
    with open(argv[3], "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv)
