"""pcapkit.dask: a partition per capture on a 2-worker LocalCluster gives the rows a
serial loop over the same captures gives. The workers import pcapkit from PYTHONPATH."""

import csv
import io
import os

import pandas
import pytest

import pcapkit

from conftest import IN_CI, run_cli  # noqa: E402

# Without Dask the tests skip on a workstation and fail under CI=true (scripts/setup.sh
# installs python3-dask and python3-distributed), as conftest has it for the corpus.
try:
    import distributed

    import pcapkit.dask
except ImportError as missing:
    if IN_CI:
        raise
    pytest.skip(f"Dask is missing: {missing}", allow_module_level=True)

FIELDS = ["number", "time_epoch", "len", "protocols", "ipv4.src", "ipv6.dst", "tcp.dstport",
          "tcp.flags.syn", "udp.srcport", "dns.id"]
# Ethernet/ARP, IPv6 fragments, DNS over TCP, HTTP+DNS+IPv6, Linux SLL, zstd pcapng with
# two link types, and an empty pcapng (an empty partition).
DIVERSE = ["link/eth2_arp_request.pcap", "ipv6/ip6_fragments.pcap", "app/dns/dns_tcp.pcap",
           "app/http/wikipedia.pcap", "link/sll_mixed.pcap",
           "pcap_format/pcapng-example.pcapng.zst", "pcapng/empty.pcapng"]
WITH_HTTP = ["app/http/wikipedia.pcap", "app/http/pipelined-requests.pcap",
             "app/dns/dns_tcp.pcap"]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
    with cluster, distributed.Client(cluster) as c:
        yield c


def _pick(corpus_captures, names):
    picked = [str(p) for n in names for p in corpus_captures if p.as_posix().endswith("/" + n)]
    assert len(picked) == len(names), f"not all of {names} in the corpus"
    return picked


def _rows(df):
    """The rows as dicts sorted by file and first column, any missing value None."""
    df = df.sort_values(["file", df.columns[1]], kind="stable").reset_index(drop=True)
    return df.astype(object).where(df.notna(), None).to_dict("records")


def _serial(paths, table):
    """The serial loop: a table per capture, with its file, concatenated."""
    return pandas.concat([table(p).assign(file=p) for p in paths], ignore_index=True)


def test_frames_match_a_serial_loop(client, corpus_captures):
    paths = _pick(corpus_captures, DIVERSE)
    df = pcapkit.dask.read_records(paths, fields=FIELDS)
    assert df.npartitions == len(paths)
    assert list(df.columns) == ["file", *FIELDS]
    got = df.compute()
    assert dict(got.dtypes) == dict(df.dtypes)  # every partition has the meta's types
    serial = _serial(paths, lambda p: pcapkit.to_pandas(p, FIELDS))[["file", *FIELDS]]
    assert len(got) == len(serial) > 800
    assert _rows(got) == _rows(serial)


def test_flows_match_a_serial_loop(client, corpus_captures):
    paths = _pick(corpus_captures, DIVERSE)
    got = pcapkit.dask.read_records(paths, kind="flows").compute()
    serial = _serial(paths, lambda p: pandas.DataFrame(list(pcapkit.flows(p))))
    serial = serial.reindex(columns=got.columns)
    assert len(got) == len(serial) > 50
    assert _rows(got) == _rows(serial)
    some = pcapkit.dask.read_records(paths, fields="src,dst,orig_bytes", kind="flows")
    assert list(some.columns) == ["file", "src", "dst", "orig_bytes"]
    assert _rows(some.compute()) == _rows(got[list(some.columns)])


def test_http_matches_a_serial_loop(client, corpus_captures):
    paths = _pick(corpus_captures, WITH_HTTP)
    got = pcapkit.dask.read_records(paths, kind="http").compute()

    def http(path):
        return pandas.json_normalize([r for r in pcapkit.analyse(path) if r["kind"] == "http"])

    raw = _serial(paths, http)
    serial = raw.reindex(columns=got.columns)
    assert len(got) == len(serial) >= 20
    assert _rows(got) == _rows(serial)
    assert set(got["request.method"].dropna()) >= {"GET"}
    meta = pandas.DataFrame({"file": pandas.Series(dtype=object),
                             "response.status": pandas.Series(dtype="float64"),
                             "request.headers": pandas.Series(dtype=object)})
    typed = pcapkit.dask.read_records(paths, kind="http", meta=meta).compute()
    assert list(typed.columns) == list(meta.columns) and typed.dtypes.equals(meta.dtypes)
    assert _rows(typed) == _rows(raw[list(meta.columns)])


def test_options_reach_pcapkit(client, corpus_captures):
    paths = _pick(corpus_captures, DIVERSE)
    got = pcapkit.dask.read_records(paths, fields=FIELDS, filter="udp").compute()
    serial = _serial(paths, lambda p: pcapkit.to_pandas(p, FIELDS, filter="udp"))
    assert 0 < len(got) == len(serial) and _rows(got) == _rows(serial[["file", *FIELDS]])
    with pytest.raises(TypeError):
        pcapkit.dask.read_records(paths, kind="flows", bogus=1)  # at once, not on a worker


def test_frames_match_the_cli(client, sample, cli):
    got = pcapkit.dask.read_records([sample], fields=["number", "ipv4.src"]).compute()
    text = run_cli(cli, "extract", sample, "-f", "csv", "-e", "number", "-e", "ipv4.src", "-o", "-")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [str(n) for n in got["number"]] == [r["number"] for r in rows]
    assert [s or "" for s in got["ipv4.src"]] == [r["ipv4.src"] for r in rows]
    assert set(got["file"]) == {str(sample)}


@pytest.fixture(scope="module")
def folder(tmp_path_factory, corpus_captures):
    """Links to three captures, with a file and a subfolder that are not captures."""
    path = tmp_path_factory.mktemp("captures")
    names = ["b.pcap", "a.pcapng.zst", "c.pcap"]
    sources = _pick(corpus_captures, DIVERSE[:2] + DIVERSE[5:6])
    for name, source in zip(names, [sources[0], sources[2], sources[1]]):
        os.symlink(source, path / name)
    (path / "notes.txt").write_text("not a capture\n")
    (path / "sub.pcap").mkdir()
    return path


def test_a_directory_is_its_captures_by_name(client, folder):
    df = pcapkit.dask.read_records(folder, fields=["number"])
    assert df.npartitions == 3
    files = df["file"].drop_duplicates().compute().tolist()
    assert files == [str(folder / n) for n in ("a.pcapng.zst", "b.pcap", "c.pcap")]


def test_a_glob(client, folder):
    df = pcapkit.dask.read_records(str(folder / "*.pcap"), fields="number,len")
    assert df.npartitions == 2
    serial = _serial([str(folder / "b.pcap"), str(folder / "c.pcap")],
                     lambda p: pcapkit.to_pandas(p, ["number", "len"]))
    assert _rows(df.compute()) == _rows(serial[["file", "number", "len"]])


def test_missing_captures(client, tmp_path):
    with pytest.raises(pcapkit.InputError) as error:
        pcapkit.dask.read_records([str(tmp_path / "gone.pcap")]).compute()
    assert error.value.file == str(tmp_path / "gone.pcap")
    with pytest.raises(FileNotFoundError):
        pcapkit.dask.read_records(str(tmp_path / "*.pcap"))
    with pytest.raises(FileNotFoundError):
        pcapkit.dask.read_records(tmp_path)  # a folder without captures
    with pytest.raises(pcapkit.FormatError):
        pcapkit.dask.read_records([str(tmp_path / "x.pcap")], fields=["no.such"])
    with pytest.raises(ValueError):
        pcapkit.dask.read_records([str(tmp_path / "x.pcap")], kind="dns")
