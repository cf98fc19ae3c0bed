"""Where the service may open a connection: one judgement for what is stored and what is called.

Every spelling of a host is reduced to one address before it is judged: brackets and a trailing
dot go (``169.254.169.254.``), the numeric IPv4 forms the resolver reads are read the same way
(``2130706433``, ``0x7f000001``, ``127.1``, ``0177.0.0.1``), and an IPv6 address that carries an
IPv4 one (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96`` and
``64:ff9b:1::/48``, 6to4 ``2002::/16``, Teredo) is judged as that IPv4 address as well.

Three moments use it. Adding a proxy or a custom provider (``host_refusal``): a literal is judged
as written, a name by every address it resolves to, and a name that does not resolve is refused
unless private addresses are allowed (it fails closed: ``metadata.google.internal`` resolves only
where it is dangerous). Loading the pool (``literal_refusal``): no DNS, only what the spelling
says. Connecting (``resolve_allowed``): the name is resolved once, every address judged, and the
caller connects to one of exactly those addresses, so a name that changes its answer between
the check and the connection (DNS rebinding) reaches nothing it may not.

Metadata, link-local and unspecified addresses are refused whatever the settings; loopback and
private ranges only where the caller's setting allows them (``ALLOW_PRIVATE_TARGETS`` for
targets, ``ALLOW_PRIVATE_PROXIES`` for proxies).
"""
from __future__ import annotations

import ipaddress
import re
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Addresses that hand out cloud credentials (AWS/GCP/Azure, ECS tasks, Alibaba, AWS over IPv6).
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254"))
# Names of the same services, refused without asking a resolver (they resolve only inside a cloud).
METADATA_NAMES = frozenset(("metadata", "metadata.google.internal", "metadata.goog", "instance-data",
                            "instance-data.ec2.internal", "metadata.azure.internal", "metadata.tencentyun.com"))

# Refused whatever the settings: nothing legitimate listens there, and an unspecified address
# (0.0.0.0, ::) is this very host on Linux, a way around the loopback rule.
ALWAYS_REFUSED = ("metadata", "link-local", "unspecified")
KINDS = (*ALWAYS_REFUSED, "private", "unresolvable")

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")  # "this host on this network": never a destination
_NUMERIC_V4 = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}$")


class AddressRefused(Exception):
    """A connection refused by the policy; ``kind`` is one of ``KINDS``."""

    def __init__(self, host: str, kind: str) -> None:
        super().__init__(describe_refusal(host, kind))
        self.host, self.kind = host, kind


def describe_refusal(host: str, kind: str) -> str:
    if kind == "unresolvable":
        return f"{host} does not resolve to any address"
    return f"{host} is or resolves to a {kind} address"


def normalise_host(host: str) -> str:
    """The host as one spelling: lower case, no brackets, no trailing dot."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host[:-1] if host.endswith(".") and not host.endswith("..") else host


def as_ip(host: str) -> IPAddress | None:
    """The address a host spells, in whatever form the resolver would read it; None for a name."""
    host = normalise_host(host).split("%", 1)[0]  # an IPv6 zone (fe80::1%eth0) names no other address
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_V4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))  # 127.1, 2130706433, 0x7f000001, 0177.0.0.1
        except OSError:
            return None
    return None


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries to its destination, if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if any(ip in network for network in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # IPv4-compatible ::a.b.c.d (not :: or ::1)
        return ipaddress.IPv4Address(int(ip))
    return None


def classify_address(ip: IPAddress | str) -> str | None:
    """Why an address is not a public destination ("metadata", "link-local", "unspecified",
    "private"), or None for a public one. An IPv6 address carrying an IPv4 one gets the more
    severe of both judgements."""
    if isinstance(ip, str):
        parsed = as_ip(ip)
        if parsed is None:
            raise ValueError(f"{ip!r} is not an address")
        ip = parsed
    kinds = {_classify_one(ip)}
    inner = embedded_ipv4(ip)
    if inner is not None:
        kinds.add(_classify_one(inner))
    return next((kind for kind in (*ALWAYS_REFUSED, "private") if kind in kinds), None)


def _classify_one(ip: IPAddress) -> str | None:
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified or ip in _THIS_NETWORK:
        return "unspecified"
    if not ip.is_global or ip.is_multicast:  # loopback, private, shared (100.64/10), reserved, documentation
        return "private"
    return None


def _refusal(kinds: set, allow_private: bool) -> str | None:
    for kind in ALWAYS_REFUSED:
        if kind in kinds:
            return kind
    if kinds & {"private", "unresolvable"} and not allow_private:
        return "private" if "private" in kinds else "unresolvable"
    return None


def literal_refusal(host: str, *, allow_private: bool) -> str | None:
    """The judgement the spelling alone allows (no DNS): a literal address or a metadata name."""
    if normalise_host(host) in METADATA_NAMES:
        return "metadata"
    ip = as_ip(host)
    if ip is None:
        return None
    return _refusal({classify_address(ip)}, allow_private)


def _resolve(host: str, port: int | None) -> list[tuple]:
    """``[(family, sockaddr), ...]`` for the host, or [] when it does not resolve."""
    ip = as_ip(host)
    if ip is not None:
        family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        return [(family, (str(ip), port or 0))]
    try:
        infos = socket.getaddrinfo(normalise_host(host), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):  # idna refuses labels over 63 characters
        return []
    return [(info[0], info[4]) for info in infos]


def host_refusal(host: str, port: int | None = None, *, allow_private: bool) -> str | None:
    """Why ``host`` may not be stored as a destination (a kind above), or None when it may.

    A literal is judged as written; a name by every address it resolves to (one bad answer
    refuses it), and a name that does not resolve is ``unresolvable`` unless private addresses
    are allowed: the check fails closed, and where it is open the connection is judged anyway.
    """
    early = literal_refusal(host, allow_private=allow_private)
    if early or as_ip(host) is not None:
        return early
    addresses = _resolve(host, port)
    kinds = {classify_address(sockaddr[0]) for _, sockaddr in addresses} or {"unresolvable"}
    return _refusal(kinds, allow_private)


def judge_resolved(host: str, addresses: list[tuple], *, allow_private: bool) -> list[tuple]:
    """``addresses`` (``(family, sockaddr)`` pairs the host resolved to) when every one is allowed;
    ``AddressRefused`` otherwise, or when there is none. For callers that resolve by themselves
    (an asyncio loop); ``resolve_allowed`` resolves and judges in one call."""
    if not addresses:
        raise AddressRefused(host, "unresolvable")
    reason = _refusal({classify_address(sockaddr[0]) for _, sockaddr in addresses}, allow_private)
    if reason:
        raise AddressRefused(host, reason)
    return addresses


def resolve_allowed(host: str, port: int, *, allow_private: bool) -> list[tuple]:
    """The ``(family, sockaddr)`` pairs a connection to ``host`` may use, resolved once.

    Raises ``AddressRefused`` when the host does not resolve or any address it resolves to is
    refused: the caller connects to one of the returned addresses, never to the name again.
    """
    reason = literal_refusal(host, allow_private=allow_private)
    if reason:
        raise AddressRefused(host, reason)
    return judge_resolved(host, _resolve(host, port), allow_private=allow_private)
