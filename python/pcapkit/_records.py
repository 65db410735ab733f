"""The fast paths for data work: records(), flows(), analyse(), to_pandas()."""

import json

from . import _pcapkit
from ._protocols import plain_options


def records(source, **options):
    """One dict per frame, as its ``pcapkit extract -f ndjson`` line holds it, built in
    C++ with the GIL released while frames are read and dissected. `source`: a path, '-'
    (stdin), bytes or a binary file object. Options are extract's (docs/python.md):
    layer, protocol, payload, names, filter, frames, count, max_layers."""
    return _pcapkit.Records(source, **plain_options(options))


def _report(source, kind, options):
    for line in _pcapkit.ReportLines(source, kind, plain_options(options)):
        yield json.loads(line)


def flows(source, **options):
    """One dict per flow, as ``pcapkit flows -f ndjson`` writes them, while the capture
    is read (a thread of the engine's writes them; memory stays flat)."""
    return _report(source, "flows", options)


def analyse(source, **options):
    """One dict per application transaction (HTTP, TLS, DNS, ...), as ``pcapkit
    analyse -f ndjson`` writes them."""
    return _report(source, "analyse", options)


def to_pandas(source, fields, occurrence="first", **options):
    """A DataFrame of the fields `fields` names (``-e`` names, `pcapkit fields` lists
    them), a row per frame, its columns built as numpy arrays in C++: integers as int64
    (pandas' nullable Int64 when some frames lack the field), decimals as float64, flags
    as bool (nullable boolean), text as str (None when absent). ``occurrence`` is
    ``--occurrence``: "first", "last", or "all" (a list per cell)."""
    import pandas

    if isinstance(fields, str):
        fields = fields.split(",")
    data = {}
    columns = _pcapkit.columns(source, list(fields), occurrence, plain_options(options))
    for name, kind, values, mask in columns:
        if mask is None:
            data[name] = values
        elif kind == "int":
            data[name] = pandas.arrays.IntegerArray(values, mask)
        elif kind == "bool":
            data[name] = pandas.arrays.BooleanArray(values, mask)
        else:
            data[name] = values
    # The arrays are this frame's alone: no copy. (Naming the columns again would send
    # pandas through a reindexing that copies masked arrays: up to a fifth of the time.)
    return pandas.DataFrame(data, copy=False)


def fields(kind="frame"):
    """The names ``-e``, ``to_pandas`` and ``pcapkit.dask`` take for the records of `kind`
    ("frame", "flow" or "analysis"), as ``pcapkit fields`` lists them: a list of dicts
    with ``name``, ``type`` (docs/schema.md's: ``int``, ``bool``, ``text``, ``number``,
    ``ipv4|ipv6``, ...), ``protocol`` and ``meaning``. Analysis records also take their
    analysers' members by path ("request.uri"), which are not listed."""
    return [dict(zip(("name", "type", "protocol", "meaning"), f))
            for f in _pcapkit.fields(kind)]

