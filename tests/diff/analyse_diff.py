#!/usr/bin/env python3
"""Application transactions against tshark: for every corpus capture, what `pcapkit
analyse` reports and what tshark dissects with TCP desegmentation, body desegmentation
and dechunking on, compared by value:

  * HTTP/1.x: the multiset of (method, URI, Host) of the requests, and of (status,
    Content-Length header) of the responses;
  * HTTP/2: the multiset of (:method, :path) of the requests and of :status of the
    responses;
  * DNS: the set of paired transactions (query frame, response frame, id) — tshark's
    `dns.response_to` — and the multiset of (id, first question name) of every message
    pcapkit saw;
  * TLS: the multiset of (server_name, ja3) of ClientHellos and of ja3s of ServerHellos.

A capture whose differences have a known reason is listed in EXCEPTIONS with it; an entry
that has come to agree fails the test (it must not outlive its reason). Exit status: 0
when every capture agrees, 1 otherwise, 77 (skip) without corpus or tshark outside CI.
"""
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import check_corpus, report_captures  # noqa: E402

EXCEPTIONS = {
    "app/http/http_09.pcap": "HTTP/0.9 requests (`GET /zeek.html`: no version, no headers): "
    "pcapkit writes them as version 0.9, as Zeek does; tshark waits for a header section that "
    "never comes",
    "ipv4/fragmented-4.pcap": "an HTTP/0.9 request line (no version): as app/http/http_09.pcap",
    "ipv6/ipv6-http-atomic-frag.pcap": "HTTP/0.9 requests and their headless responses: as "
    "app/http/http_09.pcap",
    "app/http/PartialHttpRequest.pcap": "the capture ends inside a request head: pcapkit writes "
    "what arrived (`request head incomplete`); tshark dissects no HTTP until the head is whole",
    "app/http/4KHttpRequests.pcap": "client segments only, with holes: request heads whose later "
    "segments were never captured are written as far as they arrived (as "
    "app/http/PartialHttpRequest.pcap)",
    "app/http/650HttpResponses.pcap": "server segments only: two chunked responses the capture "
    "cuts before their last chunk (`body cut by the end of the connection`) and a "
    "close-delimited one whose FIN was not captured, which pcapkit ends with the capture; "
    "tshark waits for both",
    "pcap_format/snaplen96_communityid_tcp.pcap": "frames cut at 96 bytes: pcapkit writes the "
    "heads as far as they arrived, with `gaps` (left out of the comparison); tshark dissects "
    "the truncated frames as if whole",
    "malformed/HttpMalformedResponse.pcapng": "a header line without a colon: pcapkit writes "
    "the 403 with `malformed header field`; tshark waits for a chunked body the capture cuts",
    "mixed/many-protocols.pcap": "SSDP's M-SEARCH over UDP (pcapkit analyses HTTP on TCP "
    "only), and two responses whose segments come retransmitted and out of order: pcapkit "
    "reassembles them, tshark does not dissect them",
    "mixed/example.pcap": "two responses (Content-Length 37662 and 41863) whose lost segments "
    "were retransmitted: pcapkit reassembles the bodies, tshark does not dissect them",
    "app/http2/dns_over_https_h2.pcap": "stream 7 is reset by the client (frame 20) before the "
    "server's 200 arrives (frame 21): pcapkit ends the stream at its RST_STREAM, as both "
    "endpoints do (RFC 9113 5.1), tshark shows the late response",
    "tcp/tcp-urgent1.pcap": "an evasion test: one byte sent as urgent data inside the request "
    "line; pcapkit keeps it in the stream, as RFC 9293 has urgent data in band (the request "
    "line reads '/malicXious'), tshark dissects no request",
    "udp_icmp/IPv6UdpPacket.pcap": "HTTP over UDP (SSDP's M-SEARCH): pcapkit analyses HTTP on "
    "TCP only",
    "pcap_format/quic_handshake_truncated.pcap": "TLS inside QUIC: pcapkit has no QUIC analyser",
    "pcapng/pcapng-example.pcapng": "frame 2 is stamped 2061: capture time, which never goes back "
    "in pcapkit's tables, passes every timeout, so the MySQL connection is timed out segment by "
    "segment and its HTTP response's connection with it",
    "pcap_format/pcapng-example.pcapng.zst": "as pcapng/pcapng-example.pcapng",
    "app/other/quicv2-http3-443.pcap": "TLS inside QUIC: pcapkit has no QUIC analyser",
}

FIELDS = [
    "frame.number", "http.request.method", "http.request.uri", "http.host",
    "http.response.code", "http.content_length_header", "dns.id", "dns.flags.response",
    "dns.qry.name", "dns.response_to", "tls.handshake.type", "tls.handshake.extensions_server_name",
    "tls.handshake.ja3", "tls.handshake.ja3s", "http2.headers.method", "http2.headers.path",
    "http2.headers.status",
]
PREFS = ["tcp.desegment_tcp_streams:TRUE", "http.desegment_headers:TRUE",
         "http.desegment_body:TRUE", "http.dechunk_body:TRUE", "tcp.analyze_sequence_numbers:TRUE"]


def tshark(path):
    """tshark's view: per frame, the fields above (every occurrence, '\\x1f'-separated)."""
    cmd = ["tshark", "-r", path, "-n", "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=\x1f", "-Y",
           "http.request || http.request.method || http.response || dns || mdns || llmnr || "
           "tls.handshake.type == 1 || "
           "tls.handshake.type == 2 || http2.type == 1"]
    for p in PREFS:
        cmd += ["-o", p]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    rows = []
    for line in out.stdout.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(FIELDS) - len(cols))
        rows.append({f: [v for v in c.split("\x1f")] if c else [] for f, c in zip(FIELDS, cols)})
    return rows


def tshark_view(rows):
    view = collections.defaultdict(collections.Counter)
    for r in rows:
        methods, uris, hosts = r["http.request.method"], r["http.request.uri"], r["http.host"]
        for i, m in enumerate(methods):
            view["http request"][(m, at(uris, i), at(hosts, i))] += 1
        for i, code in enumerate(r["http.response.code"]):
            view["http response"][(int(code), at(r["http.content_length_header"], i))] += 1
        responses = r["dns.flags.response"]
        for i, dns_id in enumerate(r["dns.id"]):
            if at(responses, i) in ("1", "True"):
                to = at(r["dns.response_to"], i)
                if to:
                    view["dns pair"][(int(to), int(r["frame.number"][0]), int(dns_id, 0))] += 1
        types = r["tls.handshake.type"]
        if "1" in types:
            for ja3 in r["tls.handshake.ja3"]:
                view["tls client"][(at(r["tls.handshake.extensions_server_name"], 0), ja3)] += 1
        if "2" in types:
            for ja3s in r["tls.handshake.ja3s"]:
                view["tls server"][ja3s] += 1
        for i, m in enumerate(r["http2.headers.method"]):
            view["http2 request"][(m, at(r["http2.headers.path"], i))] += 1
        for s in r["http2.headers.status"]:
            view["http2 response"][int(s)] += 1
    return view


def at(values, i):
    return values[i] if i < len(values) else ""


def header(headers, name):
    for h in headers or []:
        if h["name"].lower() == name:
            return h["value"]
    return ""


def whole(message, record):
    """A message tshark shows too: with body desegmentation on, tshark dissects a message
    only once its body is all there, so a message with missing bytes (`gaps`) or whose body
    the end of the capture cut (fewer body bytes than its Content-Length) is not compared."""
    del record  # (what the record says of the connection is not needed yet)
    length = header(message.get("headers"), "content-length")
    cut = length.isdigit() and message.get("body_len", 0) < int(length)
    return not message.get("gaps") and not cut


def pcapkit_view(records):
    view = collections.defaultdict(collections.Counter)
    for r in records:
        kind = r["kind"]
        if kind == "http":
            q, a = r.get("request"), r.get("response")
            if q and "method" in q and whole(q, r):
                view["http request"][(q["method"], q["uri"], header(q.get("headers"), "host"))] += 1
            if a and "status" in a and whole(a, r):
                view["http response"][(a["status"], header(a.get("headers"), "content-length"))] += 1
            # Each 1xx before the final response is a response of its own to tshark.
            for code in r.get("informational", []):
                view["http response"][(code, "")] += 1
        elif kind == "http2":
            q, a = r.get("request"), r.get("response")
            if q and "method" in q:
                view["http2 request"][(q["method"], q.get("path", ""))] += 1
            if a and "status" in a:
                view["http2 response"][a["status"]] += 1
        elif kind == "dns":
            if "query_frame" in r and "response_frame" in r:
                view["dns pair"][(r["query_frame"], r["response_frame"], r["id"])] += 1
        elif kind == "tls":
            if "ja3" in r:
                view["tls client"][(r.get("server_name", ""), r["ja3"])] += 1
            if "ja3s" in r:
                view["tls server"][r["ja3s"]] += 1
    return view


def check(pcapkit, path):
    """(problems, stats) for one capture."""
    run = subprocess.run([pcapkit, "analyse", path, "-f", "ndjson", "-o", "-", "-q"],
                         capture_output=True, text=True, errors="replace")
    if run.returncode not in (0, 1):  # 1: a corrupt capture, after what was before it
        return ["pcapkit analyse exited %d: %s" % (run.returncode, run.stderr.strip())], {}
    ours = pcapkit_view(json.loads(line) for line in run.stdout.splitlines())
    theirs = tshark_view(tshark(path))
    problems, stats = [], collections.Counter()
    for what in sorted(set(ours) | set(theirs)):
        a, b = ours.get(what, collections.Counter()), theirs.get(what, collections.Counter())
        stats[what] += sum(b.values())
        for key in sorted(set(a) | set(b), key=repr):
            if a[key] != b[key]:
                problems.append("%s %r: pcapkit %d, tshark %d" % (what, key, a[key], b[key]))
    return problems, stats


def main():
    ran = check_corpus(check)
    if isinstance(ran, int):
        return ran
    corpus, paths, results = ran
    total, failed, excepted = report_captures(corpus, paths, results, EXCEPTIONS, stale_fails=True)
    print("compared with tshark: " + ", ".join("%s %d" % kv for kv in sorted(total.items())))
    print("%d captures, %d failed, %d documented exceptions" % (len(paths), failed, excepted))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
