"""A directory of captures as one Dask DataFrame, a partition per capture.

pcap has no sync markers, so a capture cannot be split: the unit of distribution is the
file. ``read_records(paths, fields, kind)`` makes one partition per capture, each built
by pcapkit on the worker that runs it, so a ``dask.distributed`` cluster (one machine or
many) reads the files where they are. Every row carries ``file``, its capture's path.

    import pcapkit.dask
    df = pcapkit.dask.read_records("captures/", fields=["number", "ipv4.src"])
    df.to_csv("out/part-*.csv")

Workers import pcapkit themselves: it must be on their PYTHONPATH too.
"""

import glob
import os
import struct

import dask.dataframe
import pandas

import pcapkit

# fields=None: the columns each kind gives.
FRAME_FIELDS = ["number", "time_epoch", "len", "protocols", "ipv4.src", "ipv4.dst",
                "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport",
                "udp.dstport"]
FLOW_FIELDS = ["flow", "community_id", "proto", "src", "srcport", "dst", "dstport", "first",
               "last", "duration", "first_frame", "last_frame", "orig_packets", "orig_bytes",
               "orig_payload", "resp_packets", "resp_bytes", "resp_payload", "history",
               "state", "missed_bytes", "end", "vlan", "tunnel", "service"]
HTTP_FIELDS = ["flow", "community_id", "transport", "src", "srcport", "dst", "dstport",
               "first_frame", "last_frame", "first", "last", "trans_depth", "request.method",
               "request.uri", "request.version", "request.host", "request.user_agent",
               "request.content_type", "request.body_len", "response.status",
               "response.reason", "response.version", "response.content_type",
               "response.body_len", "response.decoded_len", "error"]
_DEFAULT_FIELDS = {"frames": FRAME_FIELDS, "flows": FLOW_FIELDS, "http": HTTP_FIELDS}

# The pandas type of a record member by its schema type (``pcapkit.fields``); others are
# object.
_DTYPES = {"int": "Int64", "number": "float64", "bool": "boolean"}


def _member_types(kind):
    """{member: pandas type} of the records of `kind` ("flows" or "http")."""
    listed = pcapkit.fields("flow" if kind == "flows" else "analysis")
    return {f["name"]: _DTYPES[f["type"]] for f in listed if f["type"] in _DTYPES}


_CAPTURE_NAMES = tuple(c + z for c in (".pcap", ".pcapng", ".cap", ".snoop")
                       for z in ("", ".gz", ".zst", ".zstd"))
# An empty pcap (its header alone): to_pandas gives the columns' types with no frame read.
_EMPTY_PCAP = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)


def read_records(paths, fields=None, kind="frames", meta=None, **options):
    """A Dask DataFrame of the records of the captures `paths`, one partition per capture.

    `paths`: a list of paths, a directory (its captures by name: .pcap, .pcapng, .cap,
    .snoop, each maybe .gz or .zst; sorted) or a glob pattern. `kind`: "frames" (a row per
    frame, ``pcapkit.to_pandas``), "flows" (a row per flow, ``pcapkit.flows``) or "http"
    (a row per HTTP/1 transaction of ``pcapkit.analyse``, nested members as dotted
    columns: "request.uri"). `fields`: the columns (for frames, ``-e`` names); None gives
    FRAME_FIELDS, FLOW_FIELDS or HTTP_FIELDS. A column ``file`` (the capture's path) comes
    first. Integers are Int64 and flags boolean in every partition (nullable: a capture
    may lack a field), decimals float64, the rest object. `meta`: other types, as an
    empty DataFrame of the columns (``file`` first; with fields=None its columns are the
    fields). `options` go to pcapkit (layer, filter, names, ...; occurrence for frames).
    The captures are read by compute() only, where its errors (pcapkit.InputError) come
    from; the client lists a directory or glob and checks fields and options at once.
    """
    if kind not in _DEFAULT_FIELDS:
        raise ValueError(f"kind is 'frames', 'flows' or 'http', not {kind!r}")
    captures = capture_paths(paths)
    if fields is None and meta is not None:
        fields = list(meta.columns)
    fields = [f for f in _field_list(fields, kind) if f != "file"]
    if meta is None:
        meta = _meta(fields, kind, options)
    return dask.dataframe.from_map(_Partition(fields, kind, meta, options), captures,
                                   meta=meta, label=f"pcapkit-{kind}")


def capture_paths(paths):
    """The captures `paths` names (a list, a directory or a glob), as strings."""
    if isinstance(paths, (str, os.PathLike)):
        paths = os.fspath(paths)
        if os.path.isdir(paths):
            names = [os.path.join(paths, n) for n in sorted(os.listdir(paths)) if _is_capture(n)]
            found = [p for p in names if os.path.isfile(p)]
        elif glob.has_magic(paths):
            found = [p for p in sorted(glob.glob(paths)) if os.path.isfile(p)]
        else:
            found = [paths]
        if not found:
            raise FileNotFoundError(f"{paths}: no capture there")
        return found
    found = [os.fspath(p) for p in paths]
    if not found:
        raise ValueError("no capture given")
    return found


def _is_capture(name):
    return name.endswith(_CAPTURE_NAMES)


def _field_list(fields, kind):
    if fields is None:
        return list(_DEFAULT_FIELDS[kind])
    return fields.split(",") if isinstance(fields, str) else list(fields)


def _meta(fields, kind, options):
    """The empty DataFrame of the partitions' columns and types, from no capture: frames
    take the types of their fields (to_pandas on an empty capture), flows and HTTP
    records those ``pcapkit.fields`` gives their members (object when not listed). The
    options are checked on the empty capture too."""
    if kind == "frames":
        empty = pcapkit.to_pandas(_EMPTY_PCAP, fields, **options)
    else:
        list(_reports(kind, _EMPTY_PCAP, options))
        types = _member_types(kind)
        empty = pandas.DataFrame({f: pandas.Series(dtype=types.get(f, object)) for f in fields})
    return _typed(empty.assign(file=pandas.Series(dtype=object))[["file", *fields]])


def _typed(df):
    """`df` with int columns nullable (Int64), bool ones boolean: one type per field,
    whether a capture lacks it or not."""
    for name, dtype in df.dtypes.items():
        if pandas.api.types.is_integer_dtype(dtype):
            df[name] = df[name].astype("Int64")
        elif pandas.api.types.is_bool_dtype(dtype):
            df[name] = df[name].astype("boolean")
    return df


class _Partition:
    """What runs on a worker: a capture's path to its DataFrame, shaped as `meta`."""

    def __init__(self, fields, kind, meta, options):
        self.fields, self.kind, self.meta, self.options = fields, kind, meta, options

    def __call__(self, path):
        if self.kind == "frames":
            df = pcapkit.to_pandas(path, self.fields, **self.options)
        else:
            df = _frame(_reports(self.kind, path, self.options), self.fields)
        df.insert(0, "file", path)
        return _conform(df, self.meta)


def _reports(kind, source, options):
    """The flow records, or the HTTP/1 transactions flattened (protocols="http": no other
    analyser runs)."""
    if kind == "flows":
        return pcapkit.flows(source, **options)
    records = pcapkit.analyse(source, **dict(options, protocols="http"))
    return (_flatten(r) for r in records if r.get("kind") == "http")


def _flatten(record, prefix=""):
    """Nested dicts as dotted keys: {"request": {"uri": u}} -> {"request.uri": u}."""
    flat = {}
    for key, value in record.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def _frame(rows, fields):
    """Records (flat dicts) as a DataFrame of `fields`, values as they came (object)."""
    return pandas.DataFrame([[r.get(f) for f in fields] for r in rows], columns=fields,
                            dtype=object)


def _conform(df, meta):
    """`df` with meta's columns and types; a missing value is <NA> (None in text)."""
    out = {}
    for name, dtype in meta.dtypes.items():
        column = df[name] if name in df else pandas.Series([None] * len(df), dtype=object)
        out[name] = column.astype(dtype) if column.dtype != dtype else column
    return pandas.DataFrame(out, index=pandas.RangeIndex(len(df)))
