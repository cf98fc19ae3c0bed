"""Probing proxies: every proxy at once on one asyncio loop, each bounded by the timeout.

No Flask import. A probe speaks just enough HTTP, CONNECT and SOCKS5 to send one GET to the
probe URL through the proxy and read the status line; a thread per proxy would spend the
probe timeout on thread start-up and TLS set-up once the pool has hundreds of members.
"""
from __future__ import annotations

import asyncio
import base64
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from app.core.addresses import AddressRefused, judge_resolved, literal_refusal


@dataclass(frozen=True)
class ProbeResult:
    id: str
    ok: bool
    latency_ms: float | None
    error: str | None = None
    status: int | None = None


class ProbeFailure(Exception):
    pass


def _target(probe_url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(probe_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname or "", port, path


def _basic(user: str | None, password: str | None) -> str | None:
    if user is None:
        return None
    token = base64.b64encode(f"{unquote(user)}:{unquote(password or '')}".encode()).decode()
    return f"Basic {token}"


async def _read_status(reader: asyncio.StreamReader) -> int:
    line = await reader.readuntil(b"\n")
    parts = line.decode("latin-1").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit() or len(parts[1]) != 3:
        raise ProbeFailure(f"not an HTTP answer: {line[:60]!r}")
    return int(parts[1])


async def _skip_headers(reader: asyncio.StreamReader) -> None:
    for _ in range(200):
        if (await reader.readuntil(b"\n")) in (b"\r\n", b"\n"):
            return
    raise ProbeFailure("too many header lines")


async def _socks5_connect(reader, writer, host: str, port: int, user: str | None, password: str | None) -> None:
    methods = b"\x00\x02" if user is not None else b"\x00"
    writer.write(b"\x05" + bytes([len(methods)]) + methods)
    await writer.drain()
    version, method = await reader.readexactly(2)
    if version != 5:
        raise ProbeFailure("not a SOCKS5 proxy")
    if method == 2 and user is not None:
        name, secret = unquote(user).encode(), unquote(password or "").encode()
        writer.write(b"\x01" + bytes([len(name)]) + name + bytes([len(secret)]) + secret)
        await writer.drain()
        if (await reader.readexactly(2))[1] != 0:
            raise ProbeFailure("SOCKS5 authentication refused")
    elif method != 0:
        raise ProbeFailure("SOCKS5 proxy offers no usable authentication method")
    try:
        address = ipaddress.ip_address(host)
        encoded = (b"\x01" if address.version == 4 else b"\x04") + address.packed
    except ValueError:
        encoded = b"\x03" + bytes([len(host)]) + host.encode("idna")
    writer.write(b"\x05\x01\x00" + encoded + port.to_bytes(2, "big"))
    await writer.drain()
    reply = await reader.readexactly(4)
    if reply[1] != 0:
        raise ProbeFailure(f"SOCKS5 connect failed (code {reply[1]})")
    skip = {1: 4, 4: 16}.get(reply[3])
    if skip is None:
        skip = (await reader.readexactly(1))[0]
    await reader.readexactly(skip + 2)


async def _proxy_address(host: str, port: int, allow_private: bool) -> str:
    """The address to reach the proxy at: resolved once on the loop, judged like every connection."""
    reason = literal_refusal(host, allow_private=allow_private)
    if reason:
        raise AddressRefused(host, reason)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        infos = []
    addresses = judge_resolved(host, [(info[0], info[4]) for info in infos], allow_private=allow_private)
    return addresses[0][1][0]


async def _probe_once(proxy_url: str, probe_url: str, allow_private: bool) -> int:
    proxy = urlsplit(proxy_url)
    scheme, host, port, path = _target(probe_url)
    proxy_port = proxy.port or {"http": 8080, "https": 443, "socks5": 1080, "socks5h": 1080}.get(proxy.scheme, 8080)
    address = await _proxy_address(proxy.hostname or "", proxy_port, allow_private)
    tls = ssl.create_default_context() if proxy.scheme == "https" else None
    reader, writer = await asyncio.open_connection(address, proxy_port, ssl=tls,
                                                   server_hostname=proxy.hostname if tls else None)
    try:
        auth = _basic(proxy.username, proxy.password)
        tunnelled = False
        if proxy.scheme.startswith("socks5"):
            await _socks5_connect(reader, writer, host, port, proxy.username, proxy.password)
            tunnelled = True
        elif scheme == "https":
            lines = [f"CONNECT {host}:{port} HTTP/1.1", f"Host: {host}:{port}"]
            if auth:
                lines.append(f"Proxy-Authorization: {auth}")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            await writer.drain()
            status = await _read_status(reader)
            if status != 200:
                raise ProbeFailure(f"CONNECT refused with {status}")
            await _skip_headers(reader)
            tunnelled = True
        if scheme == "https":
            await writer.start_tls(ssl.create_default_context(), server_hostname=host)
        target = path if tunnelled else f"{scheme}://{host}:{port}{path}"
        lines = [f"GET {target} HTTP/1.1", f"Host: {host}", "User-Agent: marquee-probe", "Connection: close"]
        if auth and not tunnelled:
            lines.append(f"Proxy-Authorization: {auth}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        return await _read_status(reader)
    finally:
        writer.close()


async def probe_one(proxy_id: str, proxy_url: str, probe_url: str, timeout: float,
                    allow_private: bool = False) -> ProbeResult:
    """Never raises: a refusal, a stall past ``timeout`` or a garbled answer is a failed result.
    The proxy is reached at an address ``app.core.addresses`` allows (``allow_private`` for
    loopback and private ones), resolved once here."""
    started = time.perf_counter()
    try:
        status = await asyncio.wait_for(_probe_once(proxy_url, probe_url, allow_private), timeout)
    except asyncio.TimeoutError:
        return ProbeResult(proxy_id, False, None, f"no answer within {timeout:g}s")
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ProbeFailure, ValueError,
            UnicodeError, ssl.SSLError, AddressRefused) as exc:
        return ProbeResult(proxy_id, False, None, f"{type(exc).__name__}: {exc}"[:300])
    elapsed = (time.perf_counter() - started) * 1000
    if status >= 400:
        return ProbeResult(proxy_id, False, elapsed, f"probe URL answered {status} through the proxy", status)
    return ProbeResult(proxy_id, True, round(elapsed, 2), None, status)


async def _probe_all(proxies: list[tuple[str, str]], probe_url: str, timeout: float,
                     allow_private: bool) -> list[ProbeResult]:
    return list(await asyncio.gather(*(probe_one(pid, url, probe_url, timeout, allow_private) for pid, url in proxies)))


def probe_all(proxies: list[tuple[str, str]], probe_url: str, timeout: float, *,
              allow_private: bool = False) -> list[ProbeResult]:
    """Probe ``[(id, url), ...]`` concurrently; returns in about ``timeout`` at worst, whatever the count."""
    if not proxies:
        return []
    return asyncio.run(_probe_all(proxies, probe_url, timeout, allow_private))
