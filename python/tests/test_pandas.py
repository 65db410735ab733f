"""pcapkit.to_pandas() against the pcapkit program: each column equals the CLI's csv
column (`pcapkit extract PATH -f csv -e F1 -e F2 ... -o -`) value for value, and its
ndjson (-f ndjson -e ...: missing fields left out, so an absent value and an empty text
are told apart), on diverse corpus captures; the dtypes follow the fields' types."""

import csv
import io
import json
import math
import subprocess

import numpy
import pandas
import pytest

import pcapkit
from conftest import existing_captures

# field -> its kind, by `pcapkit fields`: int, number (float), bool, text.
FIELDS = {
    "number": "int",
    "time_epoch": "number",
    "cap_len": "int",
    "protocols": "text",
    "ethernet.src": "text",
    "ipv4.src": "text",
    "ipv4.ttl": "int",
    "ipv4.flags.df": "bool",
    "ipv6.dst": "text",
    "tcp.srcport": "int",
    "tcp.seq": "int",
    "tcp.flags.syn": "bool",
    "udp.len": "int",
    "icmp.type": "int",
    "dns.qr": "bool",
    "dns.questions.name": "text",
}

CAPTURES = [
    "app/http/wikipedia.pcap",
    "app/dns/Dns.pcap",
    "app/dns/dns_over_tcp.pcapng",
    "app/dns/mdns.pcap",
    "app/http/http-async-http10.pcap",
    "link/vlan-qinqinq.pcap",
    "link/raw_ip_101.pcap",
    "link/sll_mixed.pcap",
    "link/CiscoHDLC.pcap",
    "ipv6/ipv6-http-atomic-frag.pcap",
    "ipv6/frag6-atomic.pcap",
    "tcp/tcp-reassembly.pcap",
    "tunnels/Teredo.pcap",
    "tunnels/GrePackets.cap",
    "tunnels/4in6.pcap",
    "udp_icmp/icmp-destunreach-udp.pcap",
    "udp_icmp/IcmpPackets.pcap",
    "pcapng/pcapng-example.pcapng",
    "pcap_format/nanosecs.pcap",
    "pcap_format/solaris.snoop",
    "pcap_format/empty.pcap",
]


@pytest.fixture(scope="module")
def captures(corpus, sample):
    return existing_captures(corpus, sample, CAPTURES, "pandas")


def cli_out(cli, path, fields, *flags, fmt="csv"):
    args = [cli, "extract", str(path), "-f", fmt, "-o", "-", *flags]
    for field in fields:
        args += ["-e", field]
    done = subprocess.run(args, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def cli_csv(cli, path, fields, *flags):
    """The CLI's csv: {field: [cell, ...]} (text cells, "" when missing)."""
    rows = list(csv.reader(io.StringIO(cli_out(cli, path, fields, *flags), newline="")))
    assert rows[0] == list(fields)
    return {f: [row[i] for row in rows[1:]] for i, f in enumerate(fields)}


def cli_ndjson(cli, path, fields, *flags):
    """The CLI's ndjson with -e: one flat object per frame, absent fields left out."""
    out = cli_out(cli, path, fields, *flags, fmt="ndjson")
    return [json.loads(line) for line in out.splitlines()]


def missing(value):
    return value is None or value is pandas.NA or (isinstance(value, float) and math.isnan(value))


def cell_problem(kind, cell, value):
    """Why `value` (to_pandas's) is not the csv cell `cell` (None when it is)."""
    if cell == "":
        if kind == "text":
            return None if value is None or value == "" else f"{value!r} for an empty cell"
        return None if missing(value) else f"{value!r} for an empty cell"
    if missing(value):
        return f"missing for {cell!r}"
    if kind == "int":
        ok = (isinstance(value, (int, numpy.integer)) and not isinstance(value, bool)
              and value == int(cell))
    elif kind == "number":
        ok = isinstance(value, (float, numpy.floating)) and value == float(cell)
    elif kind == "bool":
        ok = (isinstance(value, (bool, numpy.bool_))
              and value == {"true": True, "false": False}[cell])
    else:
        ok = value == cell
    return None if ok else f"{value!r} ({type(value).__name__}) for {cell!r}"


def check_dtype(kind, series):
    has_missing = series.isna().any()
    if kind == "int":
        want = ["Int64"] if has_missing else ["int64", "Int64"]
    elif kind == "number":
        want = ["float64"]
    elif kind == "bool":
        want = ["boolean"] if has_missing else ["bool", "boolean"]
    else:
        want = ["object"]
    if str(series.dtype) in want:
        return None
    return f"dtype {series.dtype}, expected {' or '.join(want)}"


def test_columns_equal_the_clis(cli, captures):
    fields = list(FIELDS)
    problems, nonempty = [], {f: 0 for f in fields}
    for path in captures:
        frame = pcapkit.to_pandas(path, fields=fields)
        cells = cli_csv(cli, path, fields)
        objects = cli_ndjson(cli, path, fields)
        assert list(frame.columns) == fields, path
        assert len(frame) == len(objects) == len(cells["number"]), path
        for field, kind in FIELDS.items():
            series = frame[field]
            wrong = check_dtype(kind, series)
            if wrong:
                problems.append(f"{path.name} {field}: {wrong}")
            for row, (cell, obj) in enumerate(zip(cells[field], objects)):
                value = series.iloc[row]
                why = cell_problem(kind, cell, value)
                if why is None and (field in obj) == missing(value):
                    has = f"has {obj[field]!r}" if field in obj else "lacks it"
                    why = f"{value!r}, ndjson {has}"
                if why is None and field in obj and obj[field] != value:
                    why = f"{value!r}, ndjson {obj[field]!r}"
                if why:
                    problems.append(f"{path.name} frame {row + 1} {field}: {why}")
                    break
            nonempty[field] += int((~series.isna()).sum())
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert all(nonempty.values()), \
        f"fields no capture holds: {[f for f, n in nonempty.items() if not n]}"


def test_dtypes_of_full_and_partial_columns(corpus):
    """A column every frame has is plain numpy; one some frames lack is nullable."""
    frame = pcapkit.to_pandas(corpus / "app/http/wikipedia.pcap",
                              fields=["number", "time_epoch", "ipv4.src", "tcp.srcport",
                                      "tcp.flags.syn", "dns.qr"])
    assert str(frame["number"].dtype) == "int64"
    assert str(frame["time_epoch"].dtype) == "float64"
    assert str(frame["ipv4.src"].dtype) == "object"
    assert str(frame["tcp.srcport"].dtype) == "Int64"
    assert str(frame["tcp.flags.syn"].dtype) == "boolean"
    assert str(frame["dns.qr"].dtype) == "boolean"
    tcp_only = pcapkit.to_pandas(corpus / "app/http/wikipedia.pcap",
                                 fields=["tcp.srcport", "tcp.flags.syn"], filter="tcp")
    assert len(tcp_only) > 0
    assert str(tcp_only["tcp.srcport"].dtype) == "int64"
    assert str(tcp_only["tcp.flags.syn"].dtype) == "bool"


@pytest.mark.parametrize("occurrence", ["first", "last"])
def test_occurrence_first_and_last(cli, captures, occurrence):
    fields = ["ipv4.src", "ipv4.ttl", "ipv6.dst", "dns.questions.name", "tcp.options.kind",
              "protocols"]
    kinds = {"ipv4.ttl": "int", "tcp.options.kind": "int"}
    problems = []
    for path in captures:
        frame = pcapkit.to_pandas(path, fields=fields, occurrence=occurrence)
        cells = cli_csv(cli, path, fields, "--occurrence", occurrence)
        for field in fields:
            for row, cell in enumerate(cells[field]):
                why = cell_problem(kinds.get(field, "text"), cell, frame[field].iloc[row])
                if why:
                    problems.append(f"{path.name} frame {row + 1} {field}: {why}")
                    break
    assert not problems, "\n".join(problems[:40])


def test_occurrence_all_gives_lists(cli, captures):
    fields = ["ipv4.src", "ipv4.ttl", "tcp.options.kind", "dns.questions.name",
              "dns.answers.ttl", "tcp.flags.syn", "number"]
    problems, several = [], 0
    for path in captures:
        frame = pcapkit.to_pandas(path, fields=fields, occurrence="all")
        objects = cli_ndjson(cli, path, fields, "--occurrence", "all")
        cells = cli_csv(cli, path, fields, "--occurrence", "all")
        for field in fields:
            for row, obj in enumerate(objects):
                value = frame[field].iloc[row]
                want = obj.get(field, [])
                joined = ",".join(json.dumps(v) if not isinstance(v, str) else v for v in want)
                if not isinstance(value, list) or value != want or cells[field][row] != joined:
                    problems.append(f"{path.name} frame {row + 1} {field}: {value!r}, the CLI "
                                    f"{want!r} (csv {cells[field][row]!r})")
                    break
                several += len(value) > 1
    assert not problems, "\n".join(problems[:40])
    assert several, "no cell holds several values: --occurrence all is untested"


def test_object_and_list_fields(cli, corpus):
    """Members holding objects or lists (tcp.options, ipv4.flags) come as the ndjson's
    values: dicts and lists, None where absent."""
    fields = ["tcp.options", "ipv4.flags", "dns.questions", "ethernet.padding", "arp.sha"]
    present = set()
    for name in ("app/http/wikipedia.pcap", "app/dns/Dns.pcap"):
        path = corpus / name
        frame = pcapkit.to_pandas(path, fields=fields)
        objects = cli_ndjson(cli, path, fields)
        for field in fields:
            assert str(frame[field].dtype) == "object"
            got = [None if missing(v) else v for v in frame[field]]
            assert got == [o.get(field) for o in objects], (name, field)
            if any(v is not None for v in got):
                present.add(field)
    assert present == set(fields)


def test_fields_as_one_string_and_options(cli, corpus):
    path = corpus / "tcp/tcp-reassembly.pcap"
    as_list = pcapkit.to_pandas(path, fields=["number", "tcp.dstport", "ipv4.dst"])
    as_text = pcapkit.to_pandas(path, fields="number,tcp.dstport,ipv4.dst")
    pandas.testing.assert_frame_equal(as_list, as_text)
    # extract's options: --filter, --frames, --count.
    for options, flags in (({"filter": "udp"}, ["--filter", "udp"]),
                           ({"frames": "3-9"}, ["--frames", "3-9"]),
                           ({"count": 4, "filter": "tcp"}, ["--count", "4", "--filter", "tcp"])):
        frame = pcapkit.to_pandas(path, fields=["number", "tcp.dstport", "udp.len"], **options)
        cells = cli_csv(cli, path, ["number", "tcp.dstport", "udp.len"], *flags)
        assert frame["number"].tolist() == [int(c) for c in cells["number"]], options
        for field in ("tcp.dstport", "udp.len"):
            assert [None if missing(v) else int(v) for v in frame[field]] == \
                [int(c) if c else None for c in cells[field]], (options, field)


def test_unknown_field_is_a_format_error(sample):
    with pytest.raises(pcapkit.FormatError, match="no_such.field"):
        pcapkit.to_pandas(sample, fields=["number", "no_such.field"])
    with pytest.raises(pcapkit.FormatError, match="tcp.nonexistent"):
        pcapkit.to_pandas(sample, fields=["tcp.nonexistent"])


def test_damaged_capture_raises_input_error(corpus):
    with pytest.raises(pcapkit.InputError) as raised:
        pcapkit.to_pandas(corpus / "malformed/file_bad_caplen_tls_DER.pcap", fields=["number"])
    assert raised.value.frame == 7
