"""`P in frame` and `frame[P]` on the core protocols, over the frames of every corpus
capture: checked against the frame's ndjson record from the pcapkit program (its
`protocols` chain, and the layer dicts nested in it, found by walking the record)."""

import datetime
import json
import subprocess

import pytest

import pcapkit
from conftest import run_cli  # noqa: E402

# The core protocols, by the display names of the records' chains (`pcapkit protocols`).
CORE = ["Ethernet", "VLAN", "ARP", "IPv4", "IPv6", "IPv6_Frag", "IPv6_Opts", "IPv6_Route",
        "HOPOPT", "TCP", "UDP", "ICMP", "ICMPv6", "DNS", "HTTP"]

DATETIME_MAX_SECONDS = 253402300800  # 10000-01-01: datetime's range ends before


@pytest.fixture(scope="module")
def keys(cli):
    """Display name -> record key, as `pcapkit protocols` lists them (None: no layer)."""
    out = subprocess.run([cli, "protocols"], capture_output=True, text=True, check=True).stdout
    table = {}
    for line in out.splitlines()[1:]:
        name, key = line.split()[:2]
        table[name] = None if key == "(no" else key
    assert set(CORE) <= set(table), set(CORE) - set(table)
    return table


def walk(record, keys):
    """The record's layers in chain order, as (display name, layer dict): each layer is
    the dict its key names inside the layer before it."""
    node, layers = record, []
    chain = record["protocols"].split(":") if record["protocols"] else []
    for name in chain:
        key = keys.get(name)
        if key is None:
            continue
        assert isinstance(node.get(key), dict), (record["number"], name, key)
        node = node[key]
        layers.append((name, node))
    return layers


def to_microseconds(iso):
    """"2009-11-13T17:33:34.430569123Z" -> "2009-11-13T17:33:34.430569" (truncated)."""
    whole, _, fraction = iso.rstrip("Z").partition(".")
    return f"{whole}.{(fraction + '000000')[:6]}"


def frames_of(path):
    """extract()'s frames; a damaged capture's frames before its fault."""
    try:
        return list(pcapkit.extract(fin=str(path), nofile=True).frame)
    except pcapkit.InputError:
        frames = []
        try:
            for frame in pcapkit.extract(fin=str(path), nofile=True, auto=False):
                frames.append(frame)
        except pcapkit.InputError:
            pass
        return frames


@pytest.fixture(scope="module")
def corpus_frames(cli, corpus_captures):
    """(capture, frame, its CLI record) for every frame of the corpus."""
    out = []
    for path in corpus_captures:
        done = subprocess.run([cli, "extract", str(path), "-f", "ndjson", "-o", "-"],
                              capture_output=True, text=True)
        records = [json.loads(line) for line in done.stdout.splitlines()]
        frames = frames_of(path)
        assert [f.info for f in frames] == records, path
        out += [(path, f, r) for f, r in zip(frames, records)]
    return out


@pytest.mark.parametrize("name", CORE)
def test_in_and_getitem(corpus_frames, keys, name):
    proto = getattr(pcapkit, name)
    assert proto is pcapkit.protocol(name) is pcapkit.protocol(name.lower())
    problems, present = [], 0
    for path, frame, record in corpus_frames:
        chain = record["protocols"].split(":") if record["protocols"] else []
        layers = walk(record, keys)
        where = f"{path.name} frame {record['number']} ({record['protocols']})"
        want = name in chain
        if (proto in frame) != want:
            problems.append(f"{where}: {name} in frame is {not want}")
        if (proto in frame.protochain) != want or (name.lower() in frame.protochain) != want:
            problems.append(f"{where}: {name} in frame.protochain is {not want}")
        if want:
            present += 1
            first = next(layer for n, layer in layers if n == name)
            try:
                got = frame[proto]
            except pcapkit.ProtocolNotFound as error:
                problems.append(f"{where}: frame[{name}] raised {error}")
                continue
            if got != first:
                problems.append(f"{where}: frame[{name}] is {json.dumps(got)[:300]}, the record's "
                                f"layer {json.dumps(first)[:300]}")
            if frame[name.upper()] != first:
                problems.append(f"{where}: frame[{name.upper()!r}] differs from the layer")
        else:
            try:
                got = frame[proto]
                problems.append(f"{where}: frame[{name}] gave {json.dumps(got)[:200]}, "
                                "no such layer")
            except pcapkit.ProtocolNotFound:
                pass
    assert present, f"no frame of the corpus holds {name}: the test proves nothing"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])


def test_ip_means_ipv4_and_ipv6(corpus_frames, keys):
    problems, seen = [], set()
    for path, frame, record in corpus_frames:
        chain = record["protocols"].split(":") if record["protocols"] else []
        want = "IPv4" in chain or "IPv6" in chain
        where = f"{path.name} frame {record['number']} ({record['protocols']})"
        if (pcapkit.IP in frame) != want or ("ip" in frame.protochain) != want:
            problems.append(f"{where}: IP in frame is {not want}")
        if want:
            name, first = next((n, layer) for n, layer in walk(record, keys)
                               if n in ("IPv4", "IPv6"))
            seen.add(name)
            if frame[pcapkit.IP] != first:
                problems.append(f"{where}: frame[IP] is not the first IP layer ({name})")
        else:
            with pytest.raises(pcapkit.ProtocolNotFound):
                frame[pcapkit.IP]
    assert seen == {"IPv4", "IPv6"}
    assert not problems, "\n".join(problems[:30])


def test_protochain_and_time(corpus_frames):
    problems = []
    for path, frame, record in corpus_frames:
        where = f"{path.name} frame {record['number']}"
        if str(frame.protochain) != record["protocols"]:
            problems.append(f"{where}: protochain {str(frame.protochain)!r}, "
                            f"record {record['protocols']!r}")
        chain = tuple(record["protocols"].split(":")) if record["protocols"] else ()
        if tuple(frame.protochain) != chain:
            problems.append(f"{where}: tuple(protochain) {tuple(frame.protochain)}")
        if frame.number != record["number"]:
            problems.append(f"{where}: number {frame.number}")
        if frame.time_epoch != record["time_epoch"] or not isinstance(frame.time_epoch, float):
            problems.append(f"{where}: time_epoch {frame.time_epoch!r}, "
                            f"record {record['time_epoch']!r}")
        if record["time_sec"] < DATETIME_MAX_SECONDS:
            # time: the record's instant, to the microsecond (datetime's resolution), in UTC.
            want = (datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
                    + datetime.timedelta(seconds=record["time_sec"],
                                         microseconds=record["time_nsec"] // 1000))
            got = frame.time
            if got != want or got.utcoffset() != datetime.timedelta(0):
                problems.append(f"{where}: time {got!r}, record {record['time']}")
            elif got.isoformat(timespec="microseconds")[:26] != to_microseconds(record["time"]):
                problems.append(f"{where}: time {got.isoformat()}, record {record['time']}")
    assert not problems, "\n".join(problems[:30])


def test_names_in_any_case(sample):
    frames = pcapkit.extract(fin=str(sample), nofile=True).frame
    tcp = next(f for f in frames if str(f.protochain) == "Ethernet:IPv4:TCP")
    for name in ("tcp", "TCP", "Tcp", "ipv4", "IPV4", "ethernet", "ETHERNET", "ip", "IP"):
        assert name in tcp.protochain, name
        assert name in tcp, name
    for name in ("udp", "UDP", "ipv6", "http", "no-such-protocol", ""):
        assert name not in tcp.protochain, name
        assert name not in tcp, name
    assert tcp["tcp"] == tcp["TCP"] == tcp[pcapkit.TCP] == tcp.info["ethernet"]["ipv4"]["tcp"]
    assert pcapkit.TCP in tcp.protochain and pcapkit.UDP not in tcp.protochain
    assert repr(tcp.protochain) == "ProtoChain('Ethernet:IPv4:TCP')"
    # The upper-case aliases are the same protocols.
    assert pcapkit.IPV4 is pcapkit.IPv4 and pcapkit.ICMPV6 is pcapkit.ICMPv6
    with pytest.raises(pcapkit.ProtocolNotFound):
        tcp[pcapkit.UDP]
    with pytest.raises(pcapkit.ProtocolNotFound):
        tcp["dns"]


def test_protocol_not_found_is_a_pcapkit_error(sample):
    frame = pcapkit.extract(fin=str(sample), nofile=True).frame[0]  # ARP
    with pytest.raises(pcapkit.Error):
        frame[pcapkit.TCP]
    try:
        frame[pcapkit.TCP]
    except pcapkit.ProtocolNotFound as error:
        assert "TCP" in str(error)


@pytest.mark.parametrize("kind", ["frame", "flow", "analysis"])
def test_fields_are_what_the_cli_lists(cli, kind):
    """pcapkit.fields(kind) gives the names, types and protocols `pcapkit fields KIND`
    prints, in its order (`pcapkit fields` for frames: every protocol's too)."""
    table = run_cli(cli, *(["fields"] if kind == "frame" else ["fields", kind])).splitlines()[1:]
    listed = [(f["name"], f["type"], f["protocol"]) for f in pcapkit.fields(kind)]
    assert listed == [tuple(line.split()[:3]) for line in table]
    with pytest.raises(pcapkit.FormatError):
        pcapkit.fields("frames")
