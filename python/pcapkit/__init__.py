"""pcapkit: packet captures to structured records, fast.

jspcap's interface (``extract``, ``pcapkit.IP in frame``, ``frame[pcapkit.TCP]``,
``extraction.reassembly.tcp``) on pcapkit's engine, and fast paths for data work:
``records()`` (one dict per frame), ``flows()``, ``analyse()``, ``to_pandas()``;
``pcapkit.dask`` spreads a directory of captures over a Dask cluster. docs/python.md is
the manual.
"""

from ._pcapkit import Error, FormatError, InputError, OutputError, ProtocolNotFound
from ._records import analyse, fields, flows, records, to_pandas
from ._extract import Extraction, Frame, Packet, ProtoChain, Reassembled, UnsupportedCall, extract
from ._protocols import IP, Protocol, protocol, _define_protocols

__all__ = [
    "extract", "records", "flows", "analyse", "to_pandas", "fields",
    "Extraction", "Frame", "Packet", "ProtoChain", "Reassembled", "Protocol", "protocol",
    "Error", "FormatError", "InputError", "OutputError", "ProtocolNotFound", "UnsupportedCall",
    "IP",
]

# jspcap's macros. Formats:
TREE, JSON, PLIST, PCAP, NDJSON, CSV, TSV, PCAPNG = (
    "tree", "json", "plist", "pcap", "ndjson", "csv", "tsv", "pcapng")
# Layers (-L), jspcap's names and 1.x's:
RAW, LINK, INET, TRANS, APP = "none", "link", "internet", "transport", "application"
# Engines: jspcap's names, 1.x's, and pcapkit's.
jsPCAP = PCAPKit = DEFAULT = "default"
MPServer = SERVER = "server"
MPPipeline = PIPELINE = "pipeline"
DPKT, Scapy, PyShark, TSHARK = "dpkt", "scapy", "pyshark", "tshark"

# pcapkit.TCP, pcapkit.IPv4, pcapkit.HTTP, ...: every protocol the engine dissects.
__all__ += _define_protocols(globals())
