"""HTTP connections that open only where ``app.core.addresses`` allows, judged as they open.

``requests`` resolves a name when it connects, after any check made on the URL, so a name that
answers a public address to the check and a private one to the connection (DNS rebinding)
would get through. These connections resolve the name once, judge every address it resolves
to, and connect to one of exactly those. The judgement's one setting (may loopback and private
addresses be reached?) is the caller's: ``connection_policy`` holds it for the connections the
current call opens (a context variable, so each greenlet and thread has its own).

The peer judged is the one the socket goes to: the target for a direct call, the proxy for a
call through an HTTP or SOCKS proxy (which resolves the target in its own network).
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.contrib.socks import (SOCKSConnection, SOCKSHTTPConnectionPool, SOCKSHTTPSConnection,
                                   SOCKSHTTPSConnectionPool, SOCKSProxyManager)
from urllib3.exceptions import NewConnectionError

from app.core.addresses import AddressRefused, resolve_allowed

_allow_private: contextvars.ContextVar[bool] = contextvars.ContextVar("outbound_allow_private", default=False)


@contextmanager
def connection_policy(*, allow_private: bool):
    """Connections opened inside the block may reach loopback/private addresses when ``allow_private``."""
    token = _allow_private.set(allow_private)
    try:
        yield
    finally:
        _allow_private.reset(token)


def _allowed(conn, host: str, port: int) -> list[tuple]:
    try:
        return resolve_allowed(host, port, allow_private=_allow_private.get())
    except AddressRefused as exc:
        raise NewConnectionError(conn, f"Refused to connect: {exc}") from exc


def _connect_to_allowed(conn, name: str, port: int, aim, connect):
    """Try each judged address of ``name`` in turn until ``connect()`` (urllib3's own) answers;
    ``aim(address)`` points the connection at an address around it (None: back at the name)."""
    failure = None
    for _family, sockaddr in _allowed(conn, name, port):
        aim(sockaddr[0])
        try:
            return connect()
        except NewConnectionError as exc:
            failure = exc
        finally:
            aim(None)
    raise failure


class _GuardedDirect:
    """Mixed into urllib3's connections: the socket goes to a judged address of ``_dns_host``."""

    def _new_conn(self):
        name = self._dns_host

        def aim(address):  # only the socket's peer changes: TLS still verifies the name
            self._dns_host = address or name

        return _connect_to_allowed(self, name, self.port, aim, super()._new_conn)


class _GuardedSocks:
    """Mixed into urllib3's SOCKS connections: the proxy is reached at a judged address."""

    def _new_conn(self):
        options = self._socks_options

        def aim(address):
            self._socks_options = {**options, "proxy_host": address} if address else options

        return _connect_to_allowed(self, options["proxy_host"], options["proxy_port"], aim, super()._new_conn)


class GuardedHTTPConnection(_GuardedDirect, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedDirect, HTTPSConnection):
    pass


class GuardedSOCKSConnection(_GuardedSocks, SOCKSConnection):
    pass


class GuardedSOCKSHTTPSConnection(_GuardedSocks, SOCKSHTTPSConnection):
    pass


def _pool(base, connection):
    return type(f"Guarded{base.__name__}", (base,), {"ConnectionCls": connection})


_POOLS = {"http": _pool(HTTPConnectionPool, GuardedHTTPConnection),
          "https": _pool(HTTPSConnectionPool, GuardedHTTPSConnection)}
_SOCKS_POOLS = {"http": _pool(SOCKSHTTPConnectionPool, GuardedSOCKSConnection),
                "https": _pool(SOCKSHTTPSConnectionPool, GuardedSOCKSHTTPSConnection)}


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose every pool (direct, through an HTTP proxy, through SOCKS) opens guarded connections."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _SOCKS_POOLS if isinstance(manager, SOCKSProxyManager) else _POOLS
        return manager


def guarded_session() -> requests.Session:
    session = requests.Session()
    adapter = GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
