"""jspcap's ``extract()`` and what it returns: frames, reassembly records, trace index."""

import datetime
import json
import os
import sys
import tempfile

from . import _pcapkit
from ._pcapkit import Error
from ._protocols import Protocol, plain_options, protocol


class UnsupportedCall(Error, AttributeError):
    """An Extraction was asked for what its options did not keep (jspcap's name)."""


class ProtoChain(tuple):
    """A frame's protocols, outermost first: ``str()`` gives "Ethernet:IPv4:TCP";
    ``P in chain`` takes a Protocol or a name in any case."""

    __slots__ = ()

    def __new__(cls, chain):
        return super().__new__(cls, chain.split(":") if chain else ())

    def __contains__(self, item):
        if not isinstance(item, Protocol):
            try:
                item = protocol(item)
            except KeyError:
                return False
        return any(item.matches(name) for name in self)

    def __str__(self):
        return ":".join(self)

    def __repr__(self):
        return f"ProtoChain({str(self)!r})"


def _find_layer(record, proto):
    """The first (outermost) layer of `proto` in a record: layers nest, each in its parent."""
    for key, value in record.items():
        if key in proto.keys and isinstance(value, dict):
            return value
    for value in record.values():
        if isinstance(value, dict) and (found := _find_layer(value, proto)) is not None:
            return found
    return None


class Packet:
    """A dissected record: ``info`` (the record as a dict), ``protochain``;
    ``P in packet`` and ``packet[P]`` (the layer's dict, or ProtocolNotFound)."""

    __slots__ = ("info", "protochain")

    def __init__(self, info, chain):
        self.info = info
        self.protochain = ProtoChain(chain)

    def __contains__(self, proto):
        return proto in self.protochain

    def __getitem__(self, proto):
        proto = protocol(proto)
        layer = _find_layer(self.info, proto) if proto in self.protochain else None
        if layer is None:
            raise _pcapkit.ProtocolNotFound(f"no {proto.name} layer in {self.protochain}")
        return layer

    def __repr__(self):
        return f"<{type(self).__name__} {self.protochain}>"


class Frame(Packet):
    """A frame: its record (``info``, as its ndjson line holds it), ``number`` (in its
    capture), ``time`` (a UTC datetime) and ``time_epoch`` (seconds, float)."""

    __slots__ = ()

    @property
    def number(self):
        return self.info["number"]

    @property
    def time(self):
        utc = datetime.datetime.fromtimestamp(self.info["time_sec"], datetime.timezone.utc)
        return utc + datetime.timedelta(microseconds=self.info["time_nsec"] // 1000)

    @property
    def time_epoch(self):
        return self.info["time_epoch"]

    def __repr__(self):
        return f"<Frame {self.number}: {self.protochain}>"


class Reassembled:
    """A reassembly record, as `pcapkit reassemble` writes it (``info``): a datagram
    rebuilt from IP fragments or the bytes of one direction of a TCP connection.
    ``payload`` is its bytes (None when incomplete); ``packets`` the payload dissected
    (a tuple of one Packet, empty when incomplete or undissected); ``protochain`` its
    chain."""

    __slots__ = ("protocol", "info", "payload", "packets")

    def __init__(self, protocol_key, info, payload, chain):
        self.protocol = protocol_key
        self.info = info
        self.payload = payload
        packet = info.get("packet") if chain is not None else None
        self.packets = (Packet(packet, chain),) if packet is not None else ()

    @property
    def protochain(self):
        return self.packets[0].protochain if self.packets else ProtoChain("")

    @property
    def completed(self):
        return self.info["completed"]

    @property
    def index(self):
        return tuple(self.info["index"])

    def __repr__(self):
        return f"<Reassembled {self.protocol} {self.info.get('status')} {self.protochain}>"


class _Tuples:
    """``extraction.reassembly`` and ``extraction.trace``: tuples by protocol."""

    def __init__(self, **tuples):
        self.__dict__.update(tuples)

    def __repr__(self):
        return "<" + ", ".join(f"{k}: {len(v)}" for k, v in self.__dict__.items()) + ">"


def _reassembly_options(ip, ipv4, ipv6, tcp, strict):
    o = _pcapkit.ReassemblyOptions()
    o.ipv4, o.ipv6, o.tcp, o.strict = bool(ip or ipv4), bool(ip or ipv6), bool(tcp), bool(strict)
    return o


class Extraction:
    """What ``extract()`` returns (jspcap's Extractor): ``frame`` (a tuple, with
    ``store``), ``reassembly`` (``.ipv4``, ``.ipv6``, ``.tcp``), ``trace`` (``.tcp``: the
    trace index records), ``length`` (frames read), ``output``; iterable frame by frame
    with ``auto=False``; a context manager."""

    def __init__(self, frames, *, store, auto, verbose, reassembly, trace_index):
        self._store = store
        self._auto = auto
        self._verbose = verbose
        self._reassembling = reassembly.ipv4 or reassembly.ipv6 or reassembly.tcp
        self._frames = []
        self._reassembled = {"ipv4": [], "ipv6": [], "tcp": []}
        self._trace_index = trace_index
        self._trace = None
        self.length = 0
        self.output = None
        self._iter = frames  # (record, chain) pairs, and the reassembly records they made
        self._ended = self._iter is None
        if auto:
            for _ in self._frames_left():
                pass

    def _frames_left(self):
        while not self._ended:
            frame = self._next_frame()
            if frame is None:
                return
            yield frame

    def _next_frame(self):
        try:
            record, chain = next(self._iter)
        except StopIteration:
            self._ended = True
            self._collect(finish=True)
            return None
        frame = Frame(record, chain)
        self.length += 1
        if self._verbose:
            print(f" - Frame {frame.number:3d}: {frame.protochain}", file=sys.stderr)
        if self._store:
            self._frames.append(frame)
        if self._reassembling:
            self._collect(finish=False)
        return frame

    def _collect(self, finish):
        if self._iter is None:
            return
        for protocol_key, info, payload, chain in self._iter.reassembled(finish):
            self._reassembled[protocol_key].append(Reassembled(protocol_key, info, payload, chain))

    # jspcap's manual mode: `for frame in extraction` or `extraction()`.
    def __iter__(self):
        if self._auto:
            raise UnsupportedCall("the frames were read by extract(); use auto=False to iterate")
        return self._frames_left()

    def __call__(self):
        if self._auto:
            raise UnsupportedCall("the frames were read by extract(); use auto=False to call")
        frame = None if self._ended else self._next_frame()
        if frame is None:
            raise EOFError("the capture has no more frames")
        return frame

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._ended = True
        self._iter = None
        return False

    @property
    def frame(self):
        if not self._store:
            raise UnsupportedCall("frames were not stored (store=False)")
        return tuple(self._frames)

    @property
    def reassembly(self):
        if not self._reassembling:
            raise UnsupportedCall("reassembly was not asked for (ip, ipv4, ipv6 or tcp)")
        return _Tuples(**{k: tuple(v) for k, v in self._reassembled.items()})

    @property
    def trace(self):
        if self._trace_index is None:
            raise UnsupportedCall("trace was not asked for (trace=True)")
        if self._trace is None:
            with open(self._trace_index, encoding="utf-8") as index:
                self._trace = tuple(json.loads(line) for line in index if line.strip())
        return _Tuples(tcp=self._trace)


def _readable(fin):
    """A capture to be read twice (a report, then the frames): a stream is read into
    memory first, stdin included."""
    if fin == "-":
        return sys.stdin.buffer.read()
    if hasattr(fin, "read") and not hasattr(fin, "__fspath__"):
        return fin.read()
    return fin


def extract(fin="in.pcap", fout="out", format=None, auto=True, extension=True, store=True,
            files=False, nofile=False, verbose=False, engine=None, layer=None,
            protocol=None, ip=False, ipv4=False, ipv6=False, tcp=False, strict=True,
            trace=False, trace_fout=None, trace_format=None, **options):
    """jspcap's extract(): writes the report `pcapkit extract` writes (unless `nofile`)
    and returns an Extraction holding the frames (`store`), the reassembled payloads
    (`ip`, `ipv4`, `ipv6`, `tcp`; `strict`: incomplete ones too) and the trace index
    (`trace`: every TCP flow into a file of its own in `trace_fout`). `fin`: a path,
    '-', bytes or a binary file. docs/python.md lists the options."""
    reassembly = _reassembly_options(ip, ipv4, ipv6, tcp, strict)
    common = plain_options(dict(options, layer=layer, protocol=protocol, extension=extension))
    own_engine = engine in (None, "default", "pcapkit", "sequential", "server", "pipeline")
    trace_index = None
    trace_fout = (trace_fout or "./tmp") if trace else None
    run = not nofile or trace
    frames_too = store or not auto or ip or ipv4 or ipv6 or tcp
    if run and frames_too:
        fin = _readable(fin)  # read twice: once to write, once for the frames
    if run:
        wanted = [name for name, on in (("ipv4", reassembly.ipv4), ("ipv6", reassembly.ipv6),
                                        ("tcp", reassembly.tcp)) if on]
        summary = _pcapkit.run(fin, dict(
            common, engine=engine, output=fout, format=format, files=files, nofile=nofile, verbose=verbose,
            reassemble=",".join(wanted) if wanted else None, strict=strict,
            trace=trace_fout, trace_format=trace_format))
        trace_index = summary["trace_index"] or None
    frames = None
    if frames_too and own_engine:
        frames = _pcapkit.Frames(fin, reassembly, **dict(common, engine=engine))
    elif frames_too:
        frames = _ForeignFrames(fin, engine, common)
    extraction = Extraction(frames, store=store, auto=auto, verbose=verbose and not run,
                            reassembly=reassembly, trace_index=trace_index)
    extraction.output = summary["output"] if run and not nofile else None
    if frames is None and run:
        extraction.length = summary["frames"]  # read by the writer alone
    return extraction


class _ForeignFrames:
    """Frames a foreign engine dissected (dpkt, scapy, tshark), read back from its ndjson
    records: the frames of an Extraction when `engine` names one. Reassembly is
    pcapkit's own (extract() refuses it with a foreign engine, as the CLI does)."""

    def __init__(self, fin, engine, common):
        with tempfile.TemporaryDirectory(prefix="pcapkit-") as folder:
            path = os.path.join(folder, "records.ndjson")
            _pcapkit.run(fin, dict(common, engine=engine, output=path, format="ndjson"))
            with open(path, encoding="utf-8") as lines:
                self._records = iter([json.loads(line) for line in lines if line.strip()])

    def __next__(self):
        record = next(self._records)
        return record, record.get("protocols", "")

    def reassembled(self, finish=False):
        return []
