"""The same records whatever the capture comes as: a path (str or pathlib.Path), bytes,
a bytearray, a memoryview, an open binary file, an io.BytesIO, or '-' (stdin); and
`python3 -m pcapkit` is the pcapkit program (output and exit codes)."""

import gc
import io
import json
import os
import pathlib
import subprocess
import sys

import pytest

import pcapkit
from conftest import existing_captures

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
PACKAGE_DIR = str(pathlib.Path(pcapkit.__file__).resolve().parents[1])

# Captures of each container: pcap (both byte orders, ns), pcapng, gzip, zstd, snoop.
CAPTURES = [
    "app/http/wikipedia.pcap",
    "pcap_format/nanosecs_big_endian.pcap",
    "pcapng/pcapng-example.pcapng",
    "pcap_format/ftp-many-port-expected.pcap.gz",
    "pcap_format/pcapng-example.pcapng.zst",
    "pcap_format/solaris.snoop",
    "pcap_format/empty.pcap",
]


@pytest.fixture(scope="module")
def captures(corpus, sample):
    return existing_captures(corpus, sample, CAPTURES, "input")


def cli_records(cli, source, *flags):
    done = subprocess.run([cli, "extract", str(source), *flags, "-f", "ndjson", "-o", "-"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def python_env():
    env = dict(os.environ)
    inherited = env.get("PYTHONPATH")
    env["PYTHONPATH"] = PACKAGE_DIR + (os.pathsep + inherited if inherited else "")
    return env


def test_every_kind_of_source(cli, captures):
    problems = []
    for path in captures:
        expected = cli_records(cli, path)
        data = path.read_bytes()
        with open(path, "rb") as handle:
            sources = {
                "str": str(path), "Path": pathlib.Path(path), "bytes": data,
                "bytearray": bytearray(data), "memoryview": memoryview(data),
                "file": handle, "BytesIO": io.BytesIO(data),
            }
            for kind, source in sources.items():
                try:
                    got = list(pcapkit.records(source))
                except pcapkit.Error as error:
                    problems.append(f"{path.name} as {kind}: {error!r}")
                    continue
                if got != expected:
                    problems.append(f"{path.name} as {kind}: {len(got)} records differ from the "
                                    f"CLI's {len(expected)}")
    assert not problems, "\n".join(problems)


def test_a_file_object_read_from_its_position(cli, sample):
    """A file object is read from where it stands, and left at the end."""
    expected = cli_records(cli, sample)
    data = sample.read_bytes()
    stream = io.BytesIO(b"JUNK" + data)
    stream.read(4)
    assert list(pcapkit.records(stream)) == expected
    assert stream.read() == b""


def test_options_and_extract_from_memory(cli, sample, corpus):
    path = corpus / "app/http/wikipedia.pcap"
    data = path.read_bytes()
    assert list(pcapkit.records(data, filter="udp", names=True)) == \
        cli_records(cli, path, "--filter", "udp", "--names")
    extraction = pcapkit.extract(fin=io.BytesIO(data), nofile=True)
    assert [f.info for f in extraction.frame] == cli_records(cli, path)
    frame = pcapkit.to_pandas(bytearray(data), fields=["number", "ipv4.src"])
    assert frame["number"].tolist() == [r["number"] for r in cli_records(cli, path)]


STDIN_RECORDS = """
import json, sys, pcapkit
for record in pcapkit.records(sys.argv[1], **json.loads(sys.argv[2])):
    print(json.dumps(record))
"""

STDIN_EXTRACT = """
import json, pcapkit
extraction = pcapkit.extract(fin='-', nofile=True)
for frame in extraction.frame:
    print(json.dumps(frame.info))
"""


def run_python(code, *args, stdin=None):
    return subprocess.run([PYTHON, "-c", code, *args], input=stdin, capture_output=True,
                          env=python_env())


@pytest.mark.parametrize("name", ["sample", "pcapng/pcapng-example.pcapng",
                                  "pcap_format/ftp-many-port-expected.pcap.gz"])
def test_stdin(cli, sample, corpus, name):
    path = sample if name == "sample" else corpus / name
    expected = cli_records(cli, path)
    data = path.read_bytes()
    # The CLI reads '-' as well: the same records.
    done = subprocess.run([cli, "extract", "-", "-f", "ndjson", "-o", "-"], input=data,
                          capture_output=True)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.decode().splitlines()] == expected

    done = run_python(STDIN_RECORDS, "-", "{}", stdin=data)
    assert done.returncode == 0, done.stderr.decode()
    assert [json.loads(line) for line in done.stdout.decode().splitlines()] == expected

    done = run_python(STDIN_EXTRACT, stdin=data)
    assert done.returncode == 0, done.stderr.decode()
    assert [json.loads(line) for line in done.stdout.decode().splitlines()] == expected


def test_stdin_with_options(cli, corpus):
    path = corpus / "app/http/wikipedia.pcap"
    done = run_python(STDIN_RECORDS, "-", json.dumps({"frames": "5-20", "layer": "internet"}),
                      stdin=path.read_bytes())
    assert done.returncode == 0, done.stderr.decode()
    assert [json.loads(line) for line in done.stdout.decode().splitlines()] == \
        cli_records(cli, path, "--frames", "5-20", "-L", "internet")


def run_module(*args, cwd=None):
    return subprocess.run([PYTHON, "-m", "pcapkit", *map(str, args)], capture_output=True,
                          env=python_env(), cwd=cwd)


def run_program(cli, *args, cwd=None):
    return subprocess.run([cli, *map(str, args)], capture_output=True, cwd=cwd)


@pytest.mark.parametrize("args", [
    ["extract", "{sample}", "-f", "ndjson", "-o", "-"],
    ["extract", "{sample}", "-f", "csv", "-e", "number", "-e", "ipv4.src", "-o", "-"],
    ["extract", "{sample}", "-f", "tree", "-o", "-"],
    ["reassemble", "{sample}", "--tcp", "-f", "ndjson", "-o", "-"],
    ["protocols"],
    ["extract", "{sample}", "-L", "bogus", "-o", "-"],    # usage error: 2
    ["extract"],                                           # usage error: 2
    ["extract", "{missing}", "-f", "ndjson", "-o", "-"],   # input error: 1
    ["no-such-subcommand"],
], ids=["ndjson", "csv", "tree", "reassemble", "protocols", "bad-layer", "no-input", "missing",
        "bad-subcommand"])
def test_python_m_pcapkit_is_the_program(cli, sample, tmp_path, args):
    args = [a.format(sample=sample, missing=tmp_path / "missing.pcap") for a in args]
    mine = run_module(*args, cwd=tmp_path)
    theirs = run_program(cli, *args, cwd=tmp_path)
    assert mine.returncode == theirs.returncode
    assert mine.stdout == theirs.stdout
    assert mine.stderr == theirs.stderr


def test_python_m_pcapkit_exit_codes(cli, sample, tmp_path):
    assert run_module("extract", sample, "-f", "ndjson", "-o", "-").returncode == 0
    assert run_module("extract", sample, "-L", "bogus", "-o", "-").returncode == 2
    missing = tmp_path / "missing.pcap"
    assert run_module("extract", missing, "-f", "ndjson", "-o", "-").returncode == 1
    data = sample.read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[:len(data) // 2])
    mine, theirs = run_module("extract", cut, "-f", "ndjson", "-o", "-"), \
        run_program(cli, "extract", cut, "-f", "ndjson", "-o", "-")
    assert mine.returncode == theirs.returncode == 1
    assert mine.stdout == theirs.stdout and mine.stdout


class ShortReads:
    """A binary stream that hands out at most `size` bytes a call, through `read` only
    (or `readinto` only): a pipe or a socket does so."""

    def __init__(self, data, size, readinto=False):
        self._data, self._size = io.BytesIO(data), size
        if readinto:
            self.readinto = self._readinto
        else:
            self.read = self._read

    def _read(self, n=-1):
        return self._data.read(self._size if n < 0 else min(n, self._size))

    def _readinto(self, buffer):
        return self._data.readinto(memoryview(buffer)[:self._size])


@pytest.mark.parametrize("size,readinto", [(1, False), (7, False), (5, True), (4096, True)])
def test_streams_with_short_reads(cli, corpus, size, readinto):
    path = corpus / "app/http/wikipedia.pcap"
    assert list(pcapkit.records(ShortReads(path.read_bytes(), size, readinto))) == \
        cli_records(cli, path)


def test_sources_that_are_temporaries(cli, sample):
    """The capture's memory is kept alive by the iterator, not by the caller."""
    expected = cli_records(cli, sample)
    iterators = [pcapkit.records(sample.read_bytes()),
                 pcapkit.records(bytearray(sample.read_bytes())),
                 pcapkit.records(io.BytesIO(sample.read_bytes())),
                 pcapkit.records(open(sample, "rb"))]
    gc.collect()
    for it in iterators:
        assert list(it) == expected


def test_a_failing_stream_is_an_input_error(sample):
    data = sample.read_bytes()

    class Failing:
        def __init__(self):
            self.calls = 0
            self._data = io.BytesIO(data)

        def read(self, n=-1):
            self.calls += 1
            if self.calls > 1:
                raise OSError("the disk caught fire")
            return self._data.read(min(n, 100))

    with pytest.raises(pcapkit.InputError, match="the disk caught fire"):
        list(pcapkit.records(Failing()))

