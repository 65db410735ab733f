"""Protocols as jspcap named them: ``pcapkit.TCP``, ``pcapkit.IPv4``, ``pcapkit.IP``."""

import re

from . import _pcapkit


class Protocol:
    """A protocol the engine dissects; ``P in frame`` and ``frame[P]`` take it.

    ``names`` are the display names a frame's protocol chain holds ("IPv4"), ``keys``
    the members its record nests the layer under ("ipv4"). ``pcapkit.IP`` stands for
    IPv4 and IPv6 both, as in jspcap.
    """

    __slots__ = ("name", "names", "keys", "layer")

    def __init__(self, name, names, keys, layer):
        self.name = name
        self.names = frozenset(names)
        self.keys = tuple(keys)
        self.layer = layer

    def matches(self, name):
        """Whether a chain's display name (or a record key) is this protocol."""
        return name in self.names or name in self.keys

    def __repr__(self):
        return f"pcapkit.{self.name}"


_BY_NAME = {}


def protocol(name):
    """The Protocol a name means, in any case: "tcp", "TCP", "ipv4", "IP"."""
    if isinstance(name, Protocol):
        return name
    found = _BY_NAME.get(str(name).lower())
    if found is None:
        raise KeyError(f"no protocol named {name!r}")
    return found


def plain_options(options):
    """Options as the engine takes them: a Protocol given for `protocol` is its name, for
    `layer` its layer (jspcap took classes for both)."""
    out = dict(options)
    if isinstance(out.get("protocol"), Protocol):
        out["protocol"] = out["protocol"].name
    if isinstance(out.get("layer"), Protocol):
        out["layer"] = out["layer"].layer
    return out


def _identifier(name):
    """The attribute a display name becomes: "802.1Q" -> "_802_1Q"."""
    ident = re.sub(r"\W", "_", name)
    return "_" + ident if ident[0].isdigit() else ident


def _define_protocols(namespace):
    defined = []
    for name, key, layer in _pcapkit.protocols():
        p = Protocol(_identifier(name), [name], [key], layer)
        for alias in {name.lower(), key.lower(), p.name.lower()}:
            _BY_NAME.setdefault(alias, p)
        for attr in {p.name, p.name.upper()}:
            if attr not in namespace:
                namespace[attr] = p
                defined.append(attr)
    return defined


IP = Protocol("IP", ["IPv4", "IPv6"], ["ipv4", "ipv6"], "internet")
_BY_NAME["ip"] = IP
