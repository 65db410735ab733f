"""pcapkit.records() against the pcapkit program: the dicts records() yields are the
objects of `pcapkit extract PATH -f ndjson -o -`, line for line, on every capture of the
corpus, and with extract's options (--payload, --names, -L, -P, --filter, --frames,
--count, --max-layers) on a few captures."""

import concurrent.futures
import io
import json
import re
import subprocess

import pytest

import pcapkit

# The program's message for a capture it cannot read further:
# "pcapkit: FILE: frame N, byte offset M: WHY; K frames before it written to <stdout>".
INPUT_ERROR = re.compile(r"^pcapkit: (?P<file>.+): frame (?P<frame>\d+), byte offset "
                         r"(?P<offset>\d+): (?P<why>.+?)(; \d+ frames? before it written to .*)?$")


def cli_ndjson(cli, path, *flags):
    """The records `pcapkit extract PATH FLAGS -f ndjson -o -` writes, its exit code and
    its stderr."""
    done = subprocess.run([cli, "extract", str(path), *map(str, flags), "-f", "ndjson", "-o", "-"],
                          capture_output=True, text=True)
    return [json.loads(line) for line in done.stdout.splitlines()], done.returncode, done.stderr


def read_records(path, **options):
    """What records() yields, and the exception that ended it (None when it ran out)."""
    got = []
    try:
        for record in pcapkit.records(path, **options):
            got.append(record)
    except Exception as error:  # noqa: BLE001 - the caller checks what it is
        return got, error
    return got, None


def first_difference(got, expected):
    for i, (a, b) in enumerate(zip(got, expected)):
        if a != b:
            return f"record {i + 1}: got {json.dumps(a)[:400]} expected {json.dumps(b)[:400]}"
    return f"{len(got)} records, expected {len(expected)}"


def check_against_cli(cli, path, options, flags):
    """A list of what differs between records(path, **options) and the CLI's ndjson."""
    expected, code, stderr = cli_ndjson(cli, path, *flags)
    got, error = read_records(path, **options)
    problems = []
    if code == 0:
        if error is not None:
            problems.append(f"{path}: records() raised {error!r}; the CLI read it all")
        if got != expected:
            problems.append(f"{path} {options}: {first_difference(got, expected)}")
        return problems
    if code == 2:
        # A usage error of the CLI (an option it refuses for this capture): records()
        # raises FormatError with the same words, before any record.
        said = stderr.strip().removeprefix("pcapkit: usage error: ")
        if not isinstance(error, pcapkit.FormatError) or str(error) != said or got:
            problems.append(f"{path} {options}: the CLI refused ({said!r}); records() gave "
                            f"{len(got)} records and {error!r}")
        return problems
    # The CLI stopped on a damaged capture: records() raises InputError after exactly
    # the records the CLI wrote, and says where as the CLI does.
    message = INPUT_ERROR.match(stderr.strip().splitlines()[-1]) if stderr.strip() else None
    if code != 1 or message is None:
        problems.append(f"{path}: the CLI exited {code}: {stderr.strip()!r}")
        return problems
    if not isinstance(error, pcapkit.InputError):
        problems.append(f"{path}: records() ended with {error!r}, expected InputError "
                        f"({stderr.strip()})")
    else:
        where = (error.file, error.frame, error.offset)
        want = (message["file"], int(message["frame"]), int(message["offset"]))
        if where != want:
            problems.append(f"{path}: InputError at {where}, the CLI says {want}")
    if got != expected:
        problems.append(f"{path} (damaged): {first_difference(got, expected)}")
    return problems


def test_every_capture_of_the_corpus(cli, corpus_captures):
    assert len(corpus_captures) > 300
    problems = []
    for path in corpus_captures:
        problems += check_against_cli(cli, path, {}, [])
    assert not problems, "\n".join(problems)


def test_damaged_captures_are_met(cli, corpus_captures):
    """The corpus holds captures the CLI stops on: the comparison above covered the
    InputError path (if it did not, this test says so rather than passing silently)."""
    stopped = []
    for path in corpus_captures:
        if path.parent.name != "malformed":
            continue
        _, code, _ = cli_ndjson(cli, path)
        if code != 0:
            stopped.append(path)
    assert stopped, "no capture of the corpus makes the CLI stop: the error path is untested"
    for path in stopped:
        got, error = read_records(path)
        assert isinstance(error, pcapkit.InputError), (path, error)
        assert len(got) == error.frame - 1 or error.frame == 0, (path, len(got), error.frame)


# Captures of different link types and protocols, for the options.
OPTION_CAPTURES = [
    "app/http/wikipedia.pcap",
    "link/vlan-qinqinq.pcap",
    "link/raw_ip_101.pcap",
    "ipv6/ipv6-http-atomic-frag.pcap",
    "tcp/tcp-reassembly.pcap",
    "app/dns/Dns.pcap",
    "pcapng/pcapng-example.pcapng",
]

# (records() keywords, the CLI's flags)
OPTIONS = [
    ({"payload": True}, ["--payload"]),
    ({"names": True}, ["--names"]),
    ({"payload": True, "names": True}, ["--payload", "--names"]),
    ({"layer": "transport"}, ["-L", "transport"]),
    ({"layer": "link"}, ["-L", "link"]),
    ({"layer": "internet"}, ["-L", "internet"]),
    ({"protocol": "ipv4"}, ["-P", "ipv4"]),
    ({"protocol": "TCP"}, ["-P", "TCP"]),
    ({"filter": "tcp"}, ["--filter", "tcp"]),
    ({"filter": "udp or arp"}, ["--filter", "udp or arp"]),
    ({"frames": "2-5"}, ["--frames", "2-5"]),
    ({"frames": "9-7,1,3"}, ["--frames", "9-7,1,3"]),
    ({"count": 3}, ["--count", "3"]),
    ({"filter": "tcp", "count": 3}, ["--filter", "tcp", "--count", "3"]),
    ({"max_layers": 2}, ["--max-layers", "2"]),
]


@pytest.fixture(scope="module")
def option_captures(corpus, sample):
    paths = [sample] + [corpus / name for name in OPTION_CAPTURES]
    missing = [str(p) for p in paths if not p.exists()]
    assert not missing, f"captures of the option tests are missing: {missing}"
    return paths


@pytest.mark.parametrize("options,flags", OPTIONS, ids=[" ".join(f) for _, f in OPTIONS])
def test_options_as_the_cli(cli, option_captures, options, flags):
    problems, changed = [], 0
    for path in option_captures:
        problems += check_against_cli(cli, path, options, flags)
        # The option must matter somewhere, or the comparison proves nothing.
        changed += cli_ndjson(cli, path, *flags)[0] != cli_ndjson(cli, path)[0]
    assert not problems, "\n".join(problems)
    assert changed, f"{flags} changed no capture's records: the test proves nothing"


def test_records_is_lazy_and_one_pass(corpus):
    """records() is an iterator: it yields one dict at a time and ends for good."""
    path = corpus / "app/http/wikipedia.pcap"
    it = pcapkit.records(path)
    assert iter(it) is it
    first = next(it)
    assert isinstance(first, dict) and first["number"] == 1
    rest = list(it)
    assert [r["number"] for r in rest] == list(range(2, len(rest) + 2))
    assert list(it) == []


def test_records_in_threads(corpus):
    """records() releases the GIL while it reads: iterators in several threads at once
    (paths, files and memory) each give their capture's records."""
    paths = [corpus / name for name in ("app/http/wikipedia.pcap", "tcp/tcp-reassembly.pcap",
                                        "app/dns/Dns.pcap", "link/sll_mixed.pcap",
                                        "mixed/many-protocols.pcap")]
    expected = {path: list(pcapkit.records(path)) for path in paths}

    def run(i):
        path = paths[i % len(paths)]
        source = [lambda: path, lambda: open(path, "rb"),
                  lambda: io.BytesIO(path.read_bytes())][i % 3]()
        return path, list(pcapkit.records(source))

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        for path, got in pool.map(run, range(15)):
            assert got == expected[path], path


def test_protocol_objects_as_options(cli, corpus):
    """records() takes extract's options, and extract takes a Protocol for `protocol`
    and `layer` (jspcap's classes): so does records()."""
    path = corpus / "app/http/wikipedia.pcap"
    by_protocol, code, _ = cli_ndjson(cli, path, "-P", "TCP")
    by_layer, _, _ = cli_ndjson(cli, path, "-L", "transport")
    assert code == 0
    by_protocol_frames = pcapkit.extract(fin=str(path), nofile=True, protocol=pcapkit.TCP).frame
    assert [f.info for f in by_protocol_frames] == by_protocol
    by_layer_frames = pcapkit.extract(fin=str(path), nofile=True, layer=pcapkit.TCP).frame
    assert [f.info for f in by_layer_frames] == by_layer
    assert list(pcapkit.records(path, protocol=pcapkit.TCP)) == by_protocol
    assert list(pcapkit.records(path, layer=pcapkit.TCP)) == by_layer
