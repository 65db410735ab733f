"""What the dpkt, scapy and tshark adapters share: pcapkit's record shape and the contract
with the C++ side that runs them (stages/foreign).

Each adapter reads a capture with its tool and writes NDJSON on stdout, one object with one
key per line: first `{"meta": ...}` (the file-level record the tool read), then
`{"frame": ...}` per frame in pcapkit's record shape (docs/schema.md), and `{"error": ...}`
when the capture breaks off (exit 1). A missing tool is exit 3 with a one-line message.
Only what the tool dissected is written: a layer the tool does not know ends the record.

The layer objects are plain dicts whose members are inserted in pcapkit's order; this
module writes them. The frame head is formatted here because `time_epoch` is a JSON number
with the file's digits, which json.dumps cannot write from a float.
"""
import io
import json
import os
import socket
import sys
import time

# pcapkit's display names (`pcapkit fields --json` "name") of the layers adapters write.
NAMES = {
    "ethernet": "Ethernet", "vlan": "VLAN", "arp": "ARP", "ipv4": "IPv4", "ipv6": "IPv6",
    "hopopt": "HOPOPT", "ipv6_route": "IPv6_Route", "ipv6_frag": "IPv6_Frag",
    "ipv6_opts": "IPv6_Opts", "tcp": "TCP", "udp": "UDP", "icmp": "ICMP",
    "icmpv6": "ICMPv6", "dns": "DNS", "http": "HTTP",
}

EXIT_ERROR, EXIT_MISSING = 1, 3

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def missing_tool(message):
    """Exit 3 with a one-line message: the tool or its module is not installed."""
    sys.stderr.write(message.splitlines()[0] + "\n")
    sys.exit(EXIT_MISSING)


# pcapkit's `flags` objects by the header's bits, made once and shared by every record
# (they are only written, never changed): TCP's flag byte (CWR..FIN), IPv4's three flag
# bits (RF, DF, MF from the high bit down, as in the header).
TCP_FLAGS = [{"cwr": bool(f & 0x80), "ece": bool(f & 0x40), "urg": bool(f & 0x20),
              "ack": bool(f & 0x10), "psh": bool(f & 0x08), "rst": bool(f & 0x04),
              "syn": bool(f & 0x02), "fin": bool(f & 0x01)} for f in range(256)]
IPV4_FLAGS = [{"rf": bool(f & 4), "df": bool(f & 2), "mf": bool(f & 1)} for f in range(8)]


def mac(b):
    return b.hex(":")


def ipv4(b):
    return socket.inet_ntop(socket.AF_INET, b)


def ipv6(b):
    return socket.inet_ntop(socket.AF_INET6, b)


class Stack:
    """The layers of one frame, outermost first: push() nests each under the previous."""

    __slots__ = ("top", "inner", "names")

    def __init__(self):
        self.top = self.inner = None
        self.names = []

    def push(self, key, layer):
        if self.inner is None:
            self.top = (key, layer)
        else:
            self.inner[key] = layer
        self.inner = layer
        self.names.append(NAMES[key])
        return layer


class Output:
    """Buffered NDJSON writer of the contract's lines."""

    def __init__(self):
        self.out = io.BufferedWriter(io.FileIO(sys.stdout.fileno(), "w", closefd=False),
                                     1 << 16)
        self.digits = 6
        self._sec, self._sec_text = None, ""

    def line(self, key, obj):
        self.out.write(('{"%s":%s}\n' % (key, _dumps(obj))).encode())

    def meta(self, kind, linktype, snaplen, ts_digits, fields):
        """The file-level record; `ts_digits` (6 or 9) is then used for every frame's time.
        `linktype` or `snaplen` is None when the tool does not report it: the member is
        left out (never null)."""
        self.digits = ts_digits
        meta = {"kind": kind, "linktype": linktype, "snaplen": snaplen}
        meta = {k: v for k, v in meta.items() if v is not None}
        meta.update(ts_digits=ts_digits, fields=fields)
        self.line("meta", meta)

    def frame(self, number, sec, frac, head, stack):
        """One frame: `sec` and `frac` (the fraction in units of 10**-digits) as the tool
        gave them (None: the tool gives no time, the time members are left out), `head`
        the members after time_nsec (cap_len, len, interface, linktype, whichever the
        tool reports), then protocols and the layers of `stack`."""
        rest = dict(head)
        rest["protocols"] = ":".join(stack.names)
        if stack.top is not None:
            rest[stack.top[0]] = stack.top[1]
        if sec is None:
            self.out.write(('{"frame":{"number":%d,%s}}\n'
                            % (number, _dumps(rest)[1:-1])).encode())
            return
        if sec != self._sec:
            self._sec = sec
            self._sec_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
        d = self.digits
        nsec = frac * 10 ** (9 - d)
        self.out.write(('{"frame":{"number":%d,"time":"%s.%0*dZ","time_epoch":%d.%0*d,'
                        '"time_sec":%d,"time_nsec":%d,%s}}\n'
                        % (number, self._sec_text, d, frac, sec, d, frac, sec, nsec,
                           _dumps(rest)[1:-1])).encode())

    def error(self, message, frame, offset):
        """The capture breaks off at `frame`; `offset` None (the tool names none) leaves
        the member out."""
        error = {"message": message, "frame": frame}
        if offset is not None:
            error["offset"] = offset
        self.line("error", error)

    def close(self):
        self.out.flush()


class Reading:
    """Iterates a tool's reader until the end or until it raises one of `errors` (the
    capture breaks off: kept in `error`). Only the reading is guarded: an exception while
    mapping a frame is a bug, reported as such."""

    def __init__(self, reader, errors):
        self.it, self.errors, self.error = iter(reader), errors, None

    def __iter__(self):
        while True:
            try:
                item = next(self.it)
            except StopIteration:
                return
            except self.errors as e:
                self.error = e
                return
            yield item


def split_time(ts, digits):
    """(seconds, fraction in 10**-digits units) of a tool's timestamp (int, float, Decimal),
    rounded to the file's digits: a float's error is far below one microsecond."""
    scaled = round(ts * 10 ** digits)
    return scaled // 10 ** digits, scaled % 10 ** digits


def run(main):
    """Runs main(output) -> exit status. The C++ side may close the pipe after --count N
    frames: that ends the adapter quietly."""
    output = Output()
    try:
        status = main(output)
        output.close()
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at /dev/null so that is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 0
    sys.exit(status)
