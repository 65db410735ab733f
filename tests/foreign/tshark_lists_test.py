#!/usr/bin/env python3
"""The tshark engine's lists (stages/foreign/adapters/tshark_lists.py) on made-up tshark
values: what tshark's occurrences place is written, and what they leave unsure is left
out (engines_diff.py compares the real thing with pcapkit over corpus captures)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "stages", "foreign", "adapters"))
import tshark_lists as lists  # noqa: E402


def num(v):
    return int(v, 0)


def text(v):
    return "" if v == "<Root>" else v


class Layer:
    """What the adapter's Layer gives the lists: each path's (tshark field, parse)."""

    def __init__(self, key, sources):
        self.key = key
        self.sources = {p: [(f, parse)] for p, (f, parse) in sources.items()}


TCP = Layer("tcp", {
    "options[].kind": ("tcp.option_kind", num), "options[].len": ("tcp.option_len", num),
    "options[].mss": ("tcp.options.mss_val", num),
    "options[].blocks[].left": ("tcp.options.sack_le", num),
    "options[].blocks[].right": ("tcp.options.sack_re", num)})
DNS = Layer("dns", {
    "answers[].name": ("dns.resp.name", text), "answers[].type": ("dns.resp.type", num),
    "answers[].class": ("dns.resp.class", num),
    "answers[].cache_flush": ("dns.resp.cache_flush", lambda v: v == "1"),
    "answers[].ttl": ("dns.resp.ttl", num)})
HOPOPT = Layer("hopopt", {"options[].type": ("ipv6.opt.type", num),
                          "options[].len": ("ipv6.opt.length", num),
                          "options[].value": ("ipv6.opt.router_alert", num)})


def ek(**fields):
    """tshark's -T ek layers: field names with "_" for ".", values as lists of text."""
    return {k: [str(v) for v in vs] for k, vs in fields.items()}


class TcpOptions(unittest.TestCase):
    def test_options_up_to_eol_with_their_values(self):
        values = ek(tcp_option_kind=[2, 5, 0, 0], tcp_option_len=[4, 10],
                    tcp_options_mss_val=[1460], tcp_options_sack_count=[1],
                    tcp_options_sack_le=[1], tcp_options_sack_re=[16])
        got = lists.tcp_options(TCP, values, {"hdr_len": 36})
        self.assertEqual(got["options"], [
            {"kind": 2, "len": 4, "mss": 1460},
            {"kind": 5, "len": 10, "blocks": [{"left": 1, "right": 16}]}, {"kind": 0}])

    def test_options_that_do_not_fill_the_header_are_left_out(self):
        values = ek(tcp_option_kind=[5], tcp_option_len=[2])  # tshark stopped early
        self.assertEqual(lists.tcp_options(TCP, values, {"hdr_len": 24}), {})

    def test_a_value_tshark_gives_for_some_options_only_is_left_out(self):
        values = ek(tcp_option_kind=[2, 2], tcp_option_len=[4, 4], tcp_options_mss_val=[1])
        got = lists.tcp_options(TCP, values, {"hdr_len": 28})
        self.assertEqual(got["options"], [{"kind": 2, "len": 4}, {"kind": 2, "len": 4}])


class Ipv6Options(unittest.TestCase):
    def test_options_are_split_by_each_headers_length(self):
        first, second = {"length": 8}, {"length": 8}
        found = [(HOPOPT, first), (Layer("ipv6_opts", {}), second)]
        values = ek(ipv6_opt_type=[5, 1, 0, 0, 1], ipv6_opt_length=[2, 0, 2],
                    ipv6_opt_router_alert=[0])
        lists.ipv6_options(found, values)
        self.assertEqual(first["options"], [{"type": 5, "len": 2, "value": 0},
                                            {"type": 1, "len": 0}])
        self.assertEqual(second["options"], [{"type": 0}, {"type": 0}, {"type": 1, "len": 2}])

    def test_from_a_header_they_do_not_fill_on_options_are_left_out(self):
        first, second = {"length": 8}, {"length": 8}
        values = ek(ipv6_opt_type=[1, 201, 1], ipv6_opt_length=[2, 144, 4])
        lists.ipv6_options([(HOPOPT, first), (HOPOPT, second)], values)
        self.assertNotIn("options", first)
        self.assertNotIn("options", second)


class DnsRecords(unittest.TestCase):
    def test_records_split_into_sections_with_their_data(self):
        values = ek(dns_count_answers=[1], dns_count_auth_rr=[0], dns_count_add_rr=[1],
                    dns_resp_name=["a.example", "<Root>"], dns_resp_type=[1, 41],
                    dns_resp_class=[1], dns_resp_ttl=[60], dns_a=["192.0.2.1"],
                    dns_resp_cache_flush=[0])
        got = lists.dns_records(DNS, values, {})
        self.assertEqual(got["answers"], [{"name": "a.example", "type": 1, "class": 1,
                                           "ttl": 60, "data": "192.0.2.1"}])
        self.assertEqual(got["authorities"], [])
        self.assertEqual(got["additionals"], [{"name": "", "type": 41}])

    def test_records_whose_names_tshark_files_elsewhere_are_left_out(self):
        values = ek(dns_count_answers=[2], dns_count_auth_rr=[0], dns_count_add_rr=[0],
                    dns_resp_name=["x.local"], dns_resp_type=[33, 1])  # SRV: dns.srv.name
        self.assertEqual(lists.dns_records(DNS, values, {}), {})


class HttpHeaders(unittest.TestCase):
    def test_lines_as_pairs_a_cut_line_keeping_its_last_cr(self):
        values = ek(http_request_line=["Host: example.org\r\n", "Connection: keep-alive\r"])
        got = lists.http_headers(Layer("http", {}), values, {"type": "request"})
        self.assertEqual(got["headers"], [["Host", "example.org"],
                                          ["Connection", "keep-alive\r"]])

    def test_bytes_tshark_could_not_show_leave_the_list_out(self):
        values = ek(http_request_line=["Cookie: \ufffd\ufffd\r\n"])
        self.assertEqual(lists.http_headers(Layer("http", {}), values, {"type": "request"}), {})

    def test_a_start_line_without_header_lines_has_an_empty_list(self):
        got = lists.http_headers(Layer("http", {}), {}, {"type": "response"})
        self.assertEqual(got, {"headers": []})


if __name__ == "__main__":
    unittest.main()
