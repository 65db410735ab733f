"""Errors: a capture cut in the middle (records() yields the frames before the cut, as
the CLI writes them, then raises InputError saying where, as the CLI's message does), a
missing file, bad option values and unknown keywords."""

import json
import re
import struct
import subprocess

import pytest

import pcapkit

# "pcapkit: FILE: frame N, byte offset M: WHY[; K frames before it written to <stdout>]"
INPUT_ERROR = re.compile(r"^pcapkit: (?P<message>(?P<file>.+): frame (?P<frame>\d+), byte offset "
                         r"(?P<offset>\d+): (?P<why>.+?))(; \d+ frames? before it written to .*)?$")


def pcap_record_offsets(data):
    """The byte offset of each record header of a classic pcap, and its data length."""
    magic = data[:4]
    order = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    offsets, at = [], 24
    while at + 16 <= len(data):
        (incl_len,) = struct.unpack(order + "I", data[at + 8:at + 12])
        offsets.append((at, incl_len))
        at += 16 + incl_len
    return offsets


def cli_run(cli, path, *flags):
    done = subprocess.run([cli, "extract", str(path), *flags, "-f", "ndjson", "-o", "-"],
                          capture_output=True, text=True)
    records = [json.loads(line) for line in done.stdout.splitlines()]
    return records, done.returncode, done.stderr.strip()


def cli_error(cli, path):
    """The records the CLI writes for a damaged capture and where its message says it
    stopped: (records, file, frame, offset, message without 'pcapkit: ')."""
    records, code, stderr = cli_run(cli, path)
    assert code == 1, (code, stderr)
    said = INPUT_ERROR.match(stderr.splitlines()[-1])
    assert said, stderr
    return records, said["file"], int(said["frame"]), int(said["offset"]), said["message"]


def read_until_error(iterable):
    got = []
    with pytest.raises(pcapkit.InputError) as raised:
        for item in iterable:
            got.append(item)
    return got, raised.value


@pytest.fixture(scope="module")
def cuts(sample, tmp_path_factory):
    """The sample cut in the middle of frame 5's data, in the middle of its record
    header, and inside the capture's own header; with what each cut is expected to say
    about frame and offset (computed here from the pcap layout)."""
    data = sample.read_bytes()
    offsets = pcap_record_offsets(data)
    assert len(offsets) > 6
    at, length = offsets[4]  # frame 5
    folder = tmp_path_factory.mktemp("cuts")
    made = {}
    for name, size in (("mid-data", at + 16 + length // 2), ("mid-header", at + 7)):
        path = folder / f"{name}.pcap"
        path.write_bytes(data[:size])
        made[name] = (path, 5, at)
    return made


@pytest.mark.parametrize("cut", ["mid-data", "mid-header"])
def test_cut_capture_records_then_input_error(cli, cuts, cut):
    path, frame, offset = cuts[cut]
    expected, file, cli_frame, cli_offset, message = cli_error(cli, path)
    assert (file, cli_frame, cli_offset) == (str(path), frame, offset)  # the CLI itself
    assert [r["number"] for r in expected] == list(range(1, frame))

    got, error = read_until_error(pcapkit.records(path))
    assert got == expected
    assert (error.file, error.frame, error.offset) == (file, cli_frame, cli_offset)
    assert str(error) == message
    assert isinstance(error, pcapkit.Error)


@pytest.mark.parametrize("cut", ["mid-data", "mid-header"])
def test_cut_capture_via_extract(cli, cuts, cut, tmp_path, monkeypatch):
    path, _, _ = cuts[cut]
    expected, file, frame, offset, message = cli_error(cli, path)

    # auto=True: extract() reads every frame, so it raises.
    with pytest.raises(pcapkit.InputError) as raised:
        pcapkit.extract(fin=str(path), nofile=True)
    error = raised.value
    assert (error.file, error.frame, error.offset, str(error)) == (file, frame, offset, message)

    # auto=False: the frames before the cut, then the error.
    extraction = pcapkit.extract(fin=str(path), nofile=True, auto=False)
    frames, error = read_until_error(extraction)
    assert [f.info for f in frames] == expected
    assert (error.file, error.frame, error.offset, str(error)) == (file, frame, offset, message)
    assert extraction.length == len(expected)

    # Writing a report: the error is raised, and the report holds what the CLI's holds.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(pcapkit.InputError) as raised:
        pcapkit.extract(fin=str(path), fout="out.json", format="json", store=False)
    assert (raised.value.frame, raised.value.offset) == (frame, offset)
    cli_json = subprocess.run([cli, "extract", str(path), "-f", "json", "-o", "-"],
                              capture_output=True).stdout
    assert (tmp_path / "out.json").read_bytes() == cli_json


def test_cut_capture_from_memory(cli, cuts):
    """The same cut, from bytes and from a file object: the same frames, the same frame
    and offset in the error."""
    path, _, _ = cuts["mid-data"]
    expected, _, frame, offset, _ = cli_error(cli, path)
    data = path.read_bytes()
    for source in (data, bytearray(data)):
        got, error = read_until_error(pcapkit.records(source))
        assert got == expected
        assert (error.frame, error.offset) == (frame, offset)
    with open(path, "rb") as handle:
        got, error = read_until_error(pcapkit.records(handle))
    assert got == expected
    assert (error.file, error.frame, error.offset) == (str(path), frame, offset)


def test_cut_pcapng(cli, corpus, tmp_path):
    """A pcapng cut in the middle of a block."""
    data = (corpus / "app/dns/dns_over_tcp.pcapng").read_bytes()
    path = tmp_path / "cut.pcapng"
    path.write_bytes(data[:len(data) * 2 // 3])
    expected, file, frame, offset, message = cli_error(cli, path)
    assert expected, "the cut left no frame before it"
    got, error = read_until_error(pcapkit.records(path))
    assert got == expected
    assert (error.file, error.frame, error.offset, str(error)) == (file, frame, offset, message)


def test_damaged_corpus_captures(cli, corpus):
    for name in ("malformed/file_cut_mid_record_fuzz.pcap",
                 "malformed/file_bad_caplen_tls_DER.pcap",
                 "malformed/file_partial_trailing_rechdr_pgsql.pcap"):
        path = corpus / name
        expected, file, frame, offset, message = cli_error(cli, path)
        got, error = read_until_error(pcapkit.records(path))
        assert got == expected, name
        assert (error.file, error.frame, error.offset, str(error)) == (file, frame, offset, message)


def test_missing_file(cli, tmp_path):
    path = tmp_path / "no-such.pcap"
    done = subprocess.run([cli, "extract", str(path), "-f", "ndjson", "-o", "-"],
                          capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout == ""
    message = done.stderr.strip().removeprefix("pcapkit: ")
    for call in (lambda: list(pcapkit.records(path)),
                 lambda: list(pcapkit.records(str(path))),
                 lambda: pcapkit.extract(fin=str(path), nofile=True),
                 lambda: pcapkit.to_pandas(path, fields=["number"])):
        with pytest.raises(pcapkit.InputError) as raised:
            call()
        assert raised.value.file == str(path)
        assert str(raised.value) == message


@pytest.mark.parametrize("options,flags,word", [
    ({"layer": "bogus"}, ["-L", "bogus"], "bogus"),
    ({"protocol": "no_such_protocol"}, ["-P", "no_such_protocol"], "no_such_protocol"),
    ({"filter": "tcp and ("}, ["--filter", "tcp and ("], "tcp and ("),
    ({"frames": "x-y"}, ["--frames", "x-y"], "x-y"),
], ids=["layer", "protocol", "filter", "frames"])
def test_bad_option_values_are_format_errors(cli, sample, options, flags, word):
    _, code, stderr = cli_run(cli, sample, *flags)
    assert code == 2 and stderr.startswith("pcapkit: usage error: ")
    with pytest.raises(pcapkit.FormatError) as raised:
        list(pcapkit.records(sample, **options))
    assert word in str(raised.value)
    assert str(raised.value) == stderr.removeprefix("pcapkit: usage error: ")
    with pytest.raises(pcapkit.FormatError):
        pcapkit.extract(fin=str(sample), nofile=True, **options)
    with pytest.raises(pcapkit.FormatError):
        pcapkit.to_pandas(sample, fields=["number"], **options)


def test_other_bad_values(sample, tmp_path, monkeypatch):
    with pytest.raises(pcapkit.FormatError, match="bogus"):
        pcapkit.to_pandas(sample, fields=["number"], occurrence="bogus")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(pcapkit.FormatError, match="bogus"):
        pcapkit.extract(fin=str(sample), fout="out", format="bogus")


def test_unknown_keywords_are_type_errors(sample):
    with pytest.raises(TypeError, match="no_such_option"):
        pcapkit.records(sample, no_such_option=1)
    with pytest.raises(TypeError, match="no_such_option"):
        pcapkit.to_pandas(sample, fields=["number"], no_such_option=1)
    with pytest.raises(TypeError, match="no_such_option"):
        pcapkit.extract(fin=str(sample), nofile=True, no_such_option=1)
    with pytest.raises(TypeError):
        pcapkit.records(12345)  # not a capture


@pytest.mark.parametrize("options", [{"count": "three"}, {"frames": 5}],
                         ids=lambda o: next(iter(o)))
def test_option_of_the_wrong_type_names_it(sample, options):
    """A value of the wrong type is a TypeError (Python's word for it) or a FormatError
    (docs/python.md: "a bad value a pcapkit.FormatError") naming the option, not
    pybind11's RuntimeError "Unable to cast Python instance to C++ type"."""
    with pytest.raises((TypeError, pcapkit.FormatError), match=next(iter(options))):
        list(pcapkit.records(sample, **options))


def test_exception_hierarchy():
    for name in ("FormatError", "InputError", "OutputError", "ProtocolNotFound"):
        assert issubclass(getattr(pcapkit, name), pcapkit.Error), name
    assert issubclass(pcapkit.Error, Exception)
    assert issubclass(pcapkit.UnsupportedCall, pcapkit.Error)


@pytest.mark.parametrize("options,flags", [({"count": 3}, ["--count", "3"]),
                                           ({"frames": "2-6"}, ["--frames", "2-6"]),
                                           ({"count": 7}, ["--count", "7"])],
                         ids=["count-3", "frames-2-6", "count-7"])
def test_selection_ending_before_the_fault(cli, corpus, options, flags):
    """--count and --frames stop the reading: a fault after the last selected frame is
    not reached (by the CLI or records()); one before it is."""
    path = corpus / "malformed/file_bad_caplen_tls_DER.pcap"  # faulty at frame 7
    expected, code, stderr = cli_run(cli, path, *flags)
    if code == 0:
        assert list(pcapkit.records(path, **options)) == expected
    else:
        said = INPUT_ERROR.match(stderr.splitlines()[-1])
        got, error = read_until_error(pcapkit.records(path, **options))
        assert got == expected
        assert (error.frame, error.offset, str(error)) == \
            (int(said["frame"]), int(said["offset"]), said["message"])
