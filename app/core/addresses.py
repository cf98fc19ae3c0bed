"""Where the service may open a connection: one judgement for every outbound connection.

The outbound client asks it about each target and the proxies domain about each proxy, so a
proxy cannot reach what a target may not (a proxy at the metadata address leaks the same
instance credentials). Loopback and private ranges are allowed only when the caller says so:
the outbound client when ``ALLOW_PRIVATE_TARGETS`` is on, the proxy pool always (proxies on a
LAN are normal).
"""
from __future__ import annotations

import ipaddress
import socket

# Addresses that hand out cloud credentials (AWS/GCP/Azure, ECS tasks, Alibaba, AWS over IPv6).
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254"))

# Refused whatever the settings: nothing legitimate listens there, and an unspecified address
# (0.0.0.0, ::) is this very host on Linux, a way around the loopback rule.
ALWAYS_REFUSED = ("metadata", "link-local", "unspecified")


def classify_address(address: str) -> str | None:
    """Why an IP address is not a public destination ("metadata", "link-local", "unspecified",
    "private"), or None for a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback or ip.is_private or ip.is_reserved or ip.is_multicast:
        return "private"
    return None


def refusal_reason(kinds: set[str], allow_private: bool) -> str | None:
    for kind in ALWAYS_REFUSED:
        if kind in kinds:
            return kind
    if "private" in kinds and not allow_private:
        return "private"
    return None


def host_refusal(host: str, port: int | None = None, *, allow_private: bool) -> str | None:
    """Why connecting to ``host`` is refused (a kind above), or None when it is allowed.

    A literal address is judged as written; for a name, every address it resolves to counts,
    so a name pointing at the metadata address is refused like the address itself. A name that
    does not resolve here is not refused: the connection fails on its own (or, for a target, a
    proxy resolves it elsewhere).
    """
    try:
        return refusal_reason({kind} if (kind := classify_address(host)) else set(), allow_private)
    except ValueError:
        pass  # not a literal address: resolve it
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return None
    kinds = {kind for info in infos if (kind := classify_address(info[4][0]))}
    return refusal_reason(kinds, allow_private)
