"""One address policy: every spelling of a host is judged as the address it reaches."""
from __future__ import annotations

import pytest

from app.core.addresses import AddressRefused, host_refusal, literal_refusal, resolve_allowed


@pytest.mark.parametrize("host, kind", [
    ("169.254.169.254", "metadata"), ("169.254.169.254.", "metadata"), ("2852039166", "metadata"),
    ("0xa9fea9fe", "metadata"), ("0251.0376.0251.0376", "metadata"), ("[::ffff:169.254.169.254]", "metadata"),
    ("::169.254.169.254", "metadata"), ("64:ff9b::169.254.169.254", "metadata"), ("64:ff9b:1::a9fe:a9fe", "metadata"),
    ("2002:a9fe:a9fe::1", "metadata"), ("METADATA.google.internal.", "metadata"), ("fd00:ec2::254", "metadata"),
    ("0.0.0.0", "unspecified"), ("0.0.0.0.", "unspecified"), ("0", "unspecified"), ("::", "unspecified"),
    ("0.1.2.3", "unspecified"), ("[fe80::1]", "link-local"), ("fe80::1%eth0", "link-local"),
    ("169.254.10.20", "link-local"),
    ("127.0.0.1", "private"), ("127.1", "private"), ("0x7f000001", "private"), ("2130706433", "private"),
    ("[::1]", "private"), ("::ffff:127.0.0.1", "private"), ("10.0.0.5", "private"), ("100.64.0.1", "private"),
    ("fd12:3456::1", "private"), ("64:ff9b::10.0.0.1", "private"),
])
def test_every_spelling_is_judged_as_its_address(host, kind):
    assert literal_refusal(host, allow_private=False) == kind
    expected_open = None if kind == "private" else kind
    assert literal_refusal(host, allow_private=True) == expected_open


@pytest.mark.parametrize("host", ["8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8"])
def test_public_addresses_pass(host):
    assert literal_refusal(host, allow_private=False) is None


def test_names_are_judged_by_what_they_resolve_to_and_fail_closed():
    assert host_refusal("localhost", allow_private=False) == "private"
    assert host_refusal("localhost.", allow_private=True) is None
    assert host_refusal("nowhere.marquee.invalid", allow_private=False) == "unresolvable"
    assert host_refusal("nowhere.marquee.invalid", allow_private=True) is None  # judged when it connects
    assert host_refusal("a" * 300, allow_private=False) == "unresolvable"  # idna's refusal is no traceback


def test_connections_get_the_judged_addresses_or_a_refusal():
    assert {sockaddr[0] for _, sockaddr in resolve_allowed("localhost", 80, allow_private=True)} <= {"127.0.0.1", "::1"}
    for host, kind in (("localhost", "private"), ("nowhere.marquee.invalid", "unresolvable"),
                       ("metadata.google.internal", "metadata")):
        with pytest.raises(AddressRefused) as caught:
            resolve_allowed(host, 80, allow_private=host != "localhost")
        assert caught.value.kind == kind
