"""jspcap's three README examples, run as written with `jspcap` replaced by `pcapkit`, in
a working directory holding in.pcap and in.cap; what they write and return is checked
against the pcapkit program."""

import csv
import json
import os
import plistlib
import shutil
import subprocess

import pytest

import pcapkit

# The README's example of TCP reassembly wants a capture holding an HTTP conversation.
HTTP_CAPTURE = "app/http/one_http_stream_fin.pcap"


@pytest.fixture(scope="module")
def http_capture(corpus):
    """A corpus capture of one HTTP exchange (by the manifest's `exercises` column)."""
    with open(corpus / "MANIFEST.tsv", encoding="utf-8") as manifest:
        rows = {row["path"]: row for row in csv.DictReader(manifest, delimiter="\t")}
    assert HTTP_CAPTURE in rows, f"{HTTP_CAPTURE} is not in the corpus's manifest"
    assert "http" in rows[HTTP_CAPTURE]["exercises"].split("protocols:")[1].split(",")
    return corpus / HTTP_CAPTURE


def workdir_with(tmp_path, monkeypatch, capture):
    """A working directory holding in.pcap and in.cap, copies of `capture`."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copyfile(capture, folder / "in.pcap")
    shutil.copyfile(capture, folder / "in.cap")
    monkeypatch.chdir(folder)
    return folder


def cli_bytes(cli, cwd, *args):
    done = subprocess.run([cli, *map(str, args)], capture_output=True, cwd=cwd)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def cli_records(cli, path, *flags):
    out = cli_bytes(cli, None, "extract", path, *flags, "-f", "ndjson", "-o", "-")
    return [json.loads(line) for line in out.decode().splitlines()]


@pytest.fixture(params=["sample", "http"])
def capture(request, sample, http_capture):
    return sample if request.param == "sample" else http_capture


def test_readme_dumps_plist_json_and_tree(cli, capture, tmp_path, monkeypatch):
    work = workdir_with(tmp_path, monkeypatch, capture)

    # dump to a PLIST file with no frame storage (property frame disabled)
    plist = pcapkit.extract(fin='in.pcap', fout='out.plist', format='plist', store=False)
    # dump to a JSON file with no extension auto-complete
    json_ = pcapkit.extract(fin='in.cap', fout='out.json', format='json', extension=False)
    # dump to a folder with each tree-view text file per frame
    tree = pcapkit.extract(fin='in.pcap', fout='out', format='tree', files=True)

    expected = cli_records(cli, work / "in.pcap")
    assert sorted(os.listdir(work)) == ["in.cap", "in.pcap", "out", "out.json", "out.plist"]

    # out.plist: the CLI's plist, byte for byte, and a plist whose frames are the records.
    written = (work / "out.plist").read_bytes()
    assert written == cli_bytes(cli, work, "extract", "in.pcap", "-f", "plist", "-o", "-")
    document = plistlib.loads(written)
    frames = [document[f"Frame {i}"] for i in range(1, len(expected) + 1)]
    assert [f["number"] for f in frames] == [r["number"] for r in expected]
    assert [f["protocols"] for f in frames] == [r["protocols"] for r in expected]
    frame_keys = [k for k in document if k.startswith("Frame ")]
    assert frame_keys == [f"Frame {r['number']}" for r in expected]

    # out.json: the CLI's json of in.cap, and a document whose frames are the records.
    written = (work / "out.json").read_bytes()
    assert written == cli_bytes(cli, work, "extract", "in.cap", "-f", "json", "-o", "-")
    document = json.loads(written)
    assert [document[f"Frame {r['number']}"] for r in expected] == expected

    # out/: one tree file per frame (and the global header's), as `-F` writes them.
    reference = tmp_path / "cli-tree"
    cli_bytes(cli, work, "extract", "in.pcap", "-f", "tree", "-F", "-o", reference)
    names = sorted(os.listdir(work / "out"))
    assert names == sorted(os.listdir(reference))
    frame_files = [n for n in names if n.startswith("Frame ")]
    assert sorted(frame_files) == sorted(f"Frame {r['number']}.txt" for r in expected)
    for name in names:
        assert (work / "out" / name).read_bytes() == (reference / name).read_bytes(), name
    first = (work / "out" / "Frame 1.txt").read_text()
    assert first.startswith("Frame 1\n") and f"protocols -> {expected[0]['protocols']}" in first

    # What they return: store=False keeps no frames; the others keep every one.
    with pytest.raises(pcapkit.UnsupportedCall):
        plist.frame
    assert [f.info for f in json_.frame] == expected
    assert [f.info for f in tree.frame] == expected
    assert os.path.basename(json_.output) == "out.json"
    assert os.path.basename(plist.output) == "out.plist"
    assert json_.length == tree.length == len(expected)
    # `length` is the frames read (jspcap's Extractor), stored or not: the plist's frames.
    assert plist.length == len(expected)


def test_readme_fetches_ip_of_frame0(cli, capture, tmp_path, monkeypatch):
    work = workdir_with(tmp_path, monkeypatch, capture)

    extraction = pcapkit.extract(fin='in.pcap', nofile=True)
    frame0 = extraction.frame[0]
    # check if IP in this frame, otherwise ProtocolNotFound will be raised
    flag = pcapkit.IP in frame0
    tcp = frame0[pcapkit.IP] if flag else None

    assert sorted(os.listdir(work)) == ["in.cap", "in.pcap"], "nofile=True wrote a file"
    assert extraction.output is None
    expected = cli_records(cli, work / "in.pcap")
    record = expected[0]
    assert frame0.info == record
    chain = record["protocols"].split(":")
    assert flag == ("IPv4" in chain or "IPv6" in chain)
    if flag:
        link = next(v for v in record.values() if isinstance(v, dict))
        ip = link.get("ipv4", link.get("ipv6"))
        assert tcp == ip
        assert (tcp["src"], tcp["dst"]) == (ip["src"], ip["dst"])
    else:
        assert tcp is None
        with pytest.raises(pcapkit.ProtocolNotFound):
            frame0[pcapkit.IP]
    assert [f.info for f in extraction.frame] == expected
    assert extraction.length == len(expected)


def test_readme_fetches_ip_of_an_ip_frame(cli, sample, tmp_path, monkeypatch):
    """The same with the first frame of the sample that carries IP (frame0 of the sample
    is ARP): the IP layer dict's addresses are the record's."""
    work = workdir_with(tmp_path, monkeypatch, sample)
    extraction = pcapkit.extract(fin='in.pcap', nofile=True)
    expected = cli_records(cli, work / "in.pcap")
    index = next(i for i, r in enumerate(expected) if ":IPv4:" in r["protocols"])
    frame = extraction.frame[index]
    assert pcapkit.IP in frame
    ip = frame[pcapkit.IP]
    assert (ip["src"], ip["dst"]) == (expected[index]["ethernet"]["ipv4"]["src"],
                                      expected[index]["ethernet"]["ipv4"]["dst"])
    index6 = next(i for i, r in enumerate(expected) if r["protocols"].startswith("Ethernet:IPv6"))
    ip6 = extraction.frame[index6][pcapkit.IP]
    assert ip6 == expected[index6]["ethernet"]["ipv6"]


def cli_reassembly(cli, path, *flags):
    out = cli_bytes(cli, None, "reassemble", path, *flags, "-f", "ndjson", "-o", "-")
    return [json.loads(line) for line in out.decode().splitlines()]


def test_readme_reassembles_tcp_and_prints_http(cli, http_capture, tmp_path, monkeypatch, capsys):
    work = workdir_with(tmp_path, monkeypatch, http_capture)

    # set strict to make sure full reassembly
    extraction = pcapkit.extract(fin='in.pcap', store=False, nofile=True, tcp=True, strict=True)
    # print extracted packet if HTTP in reassembled payloads
    for packet in extraction.reassembly.tcp:
        for reassembly in packet.packets:
            if pcapkit.HTTP in reassembly.protochain:
                print(reassembly.info)

    printed = capsys.readouterr().out
    assert sorted(os.listdir(work)) == ["in.cap", "in.pcap"], "nofile=True wrote a file"
    # The CLI's streams of the same capture (extract's strict=True is the CLI's --strict).
    streams = [r for r in cli_reassembly(cli, work / "in.pcap", "--tcp", "--strict")
               if r["record"] == "stream"]
    http = [r["packet"] for r in streams if "http" in (r.get("packet") or {})]
    assert len(http) >= 2, "the capture's HTTP request and response were not reassembled"
    assert {p["http"]["type"] for p in http} == {"request", "response"}
    assert printed == "".join(f"{p}\n" for p in http)

    # The same streams, in the same order: records, payload bytes and frame numbers.
    got = extraction.reassembly.tcp
    assert [r.info for r in got] == streams
    assert [r.payload.hex() if r.payload is not None else None for r in got] == \
        [r.get("payload") if r["status"] == "complete" else None for r in streams]
    assert [list(r.index) for r in got] == [r["index"] for r in streams]
    assert [r.completed for r in got] == [r["completed"] for r in streams]
    with pytest.raises(pcapkit.UnsupportedCall):
        extraction.frame
    assert extraction.length == len(cli_records(cli, work / "in.pcap"))


# Captures whose reassembly depends on strictness, and IP fragments.
REASSEMBLY_CASES = [
    ("tcp/unidirectional_missing_packet.pcap", dict(tcp=True), ["--tcp"]),
    ("tcp/tcp-reassembly.pcap", dict(tcp=True), ["--tcp"]),
    ("ipv4/frag_http_req.pcap", dict(ip=True, tcp=True), ["--ipv4", "--ipv6", "--tcp"]),
    ("ipv6/frag-eth-vlan-ipv6-tcp.pcap", dict(ipv6=True), ["--ipv6"]),
]


@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("name,options,flags", REASSEMBLY_CASES,
                         ids=[c[0] for c in REASSEMBLY_CASES])
def test_reassembly_records_are_the_clis(cli, corpus, name, options, flags, strict):
    path = corpus / name
    expected = [r for r in cli_reassembly(cli, path, *flags, *(["--strict"] if strict else []))
                if r["record"] != "summary"]
    extraction = pcapkit.extract(fin=str(path), nofile=True, store=False, strict=strict, **options)
    got = [r.info for key in ("ipv4", "ipv6", "tcp") for r in getattr(extraction.reassembly, key)]
    # The CLI writes the records as they are made; extract() sorts them by protocol.
    order = {"ipv4": 0, "ipv6": 1, "tcp": 2}
    expected.sort(key=lambda r: order[r["protocol"]])
    assert got == expected
    for key in ("ipv4", "ipv6", "tcp"):
        for r in getattr(extraction.reassembly, key):
            assert r.protocol == key == r.info["protocol"]
            if r.info["status"] == "complete":
                assert r.payload.hex() == r.info["payload"]
            else:
                assert r.payload is None


def test_strictness_matters(cli, corpus):
    """strict=True adds the incomplete streams (--strict): the capture above has some."""
    path = corpus / "tcp/unidirectional_missing_packet.pcap"
    loose = pcapkit.extract(fin=str(path), nofile=True, tcp=True, strict=False).reassembly.tcp
    strict = pcapkit.extract(fin=str(path), nofile=True, tcp=True, strict=True).reassembly.tcp
    assert any(not r.completed for r in strict)
    assert all(r.completed for r in loose), \
        "strict=False kept incomplete streams (`pcapkit reassemble --tcp` writes none)"
    assert [r.info for r in strict] != [r.info for r in loose]


def test_frame_needs_store(sample):
    extraction = pcapkit.extract(fin=str(sample), nofile=True, store=False)
    with pytest.raises(pcapkit.UnsupportedCall):
        extraction.frame
    assert isinstance(pcapkit.UnsupportedCall(), AttributeError)
    with pytest.raises(pcapkit.UnsupportedCall):
        extraction.reassembly  # no reassembly asked for
    with pytest.raises(pcapkit.UnsupportedCall):
        extraction.trace


def test_manual_iteration_gives_the_same_frames(cli, sample, corpus):
    for path in (sample, corpus / "app/http/wikipedia.pcap"):
        expected = cli_records(cli, path)
        auto = pcapkit.extract(fin=str(path), nofile=True)
        assert auto.length == len(expected)
        assert [f.info for f in auto.frame] == expected
        with pytest.raises(pcapkit.UnsupportedCall):
            iter(auto)

        manual = pcapkit.extract(fin=str(path), nofile=True, auto=False)
        assert manual.length == 0
        frames = []
        for frame in manual:
            frames.append(frame)
            assert manual.length == len(frames)
        assert [f.info for f in frames] == expected
        assert [str(f.protochain) for f in frames] == [r["protocols"] for r in expected]
        assert [f.info for f in manual.frame] == expected

        # extraction() returns the next frame, EOFError at the end.
        called = pcapkit.extract(fin=str(path), nofile=True, auto=False, store=False)
        first, second = called(), called()
        assert (first.info, second.info) == (expected[0], expected[1])
        rest = list(called)
        assert [f.info for f in rest] == expected[2:]
        with pytest.raises(EOFError):
            called()
        assert called.length == len(expected)


def test_context_manager_and_macros(sample):
    with pcapkit.extract(fin=str(sample), nofile=True) as extraction:
        assert extraction.length == len(extraction.frame) > 0
    assert (pcapkit.TREE, pcapkit.JSON, pcapkit.PLIST) == ("tree", "json", "plist")
    # A layer macro is accepted as extract's layer: the frames stop after it.
    trans = pcapkit.extract(fin=str(sample), nofile=True, layer=pcapkit.TRANS)
    assert trans.length == len(pcapkit.extract(fin=str(sample), nofile=True).frame)
    assert all(not any(p in f.protochain for p in ("HTTP", "DNS", "TLS")) for f in trans.frame)
    assert any("TCP" in f.protochain for f in trans.frame)


def test_extension_completes_the_input(cli, sample, tmp_path, monkeypatch):
    """extension=True (the default) completes the input's extension, as jspcap's README
    says ("the name of input PCAP file (extension may omit)") and the CLI's -a does:
    fin='in' reads in.pcap, for the report and for the frames alike."""
    work = workdir_with(tmp_path, monkeypatch, sample)
    expected = cli_records(cli, work / "in.pcap")
    reference = cli_bytes(cli, work, "extract", "in", "-a", "-f", "json", "-o", "-")

    report = pcapkit.extract(fin='in', fout='out', format='json')
    assert (work / "out.json").read_bytes() == reference
    assert [f.info for f in report.frame] == expected

    frames = pcapkit.extract(fin='in', nofile=True)
    assert [f.info for f in frames.frame] == expected


def test_trace_index_is_the_clis(cli, corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = corpus / "tcp/tcp-reassembly.pcap"
    extraction = pcapkit.extract(fin=str(path), nofile=True, trace=True, trace_fout="mine")
    cli_bytes(cli, tmp_path, "trace", path, "-o", "theirs")
    with open(tmp_path / "theirs" / "index.ndjson", encoding="utf-8") as index:
        theirs = [json.loads(line) for line in index]
    assert theirs
    mine = list(extraction.trace.tcp)
    # The same flows; only the folder of each flow's file differs.
    assert [{**r, "fpout": os.path.basename(r["fpout"])} for r in mine] == \
        [{**r, "fpout": os.path.basename(r["fpout"])} for r in theirs]
    assert sorted(os.listdir(tmp_path / "mine")) == sorted(os.listdir(tmp_path / "theirs"))
    for record in mine:
        name = os.path.basename(record["fpout"])
        assert (tmp_path / "mine" / name).read_bytes() == (tmp_path / "theirs" / name).read_bytes()
