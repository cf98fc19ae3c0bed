"""Wire shapes of the proxies API."""
from __future__ import annotations

import marshmallow as ma

from app.core.schemas import DNS_LABEL, CamelSchema

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# a dotted quad that is not 0.x (this host), link-local 169.254.x (cloud metadata) or Alibaba's metadata address
_IPV4 = rf"(?!169\.254\.)(?!100\.100\.100\.200:)(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]?)(?:\.{_OCTET}){{3}}"
# a name whose last label starts with a letter: "0", "1.2" or "0x7f.1" are numeric addresses to the
# resolver; ASCII only (an IDN host is written in punycode), 253 characters at most, a trailing dot allowed
_NAME = rf"(?=[A-Za-z0-9.-]{{1,254}}:)(?:{DNS_LABEL}\.)*[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.?"
# an IPv6 literal in brackets; the server parses it (a malformed one is refused, see the cross-field rule)
_IPV6 = r"\[(?=[0-9A-Fa-f.]*:)[0-9A-Fa-f:.]{2,45}\]"
_PORT = r"(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
PROXY_URL_PATTERN = (r"^(?:[Hh][Tt][Tt][Pp][Ss]?|[Ss][Oo][Cc][Kk][Ss]5[Hh]?)://(?:[A-Za-z0-9._~%-]+(?::[A-Za-z0-9._~%-]*)?@)?"
                     rf"(?:{_IPV4}|{_IPV6}|{_NAME}):{_PORT}/?$")
# What the pattern cannot state: the service judges the address (app/core/addresses.py)
PROXY_URL_RULE = ("the host must be a valid address, or a name that resolves, that is not (and does not resolve "
                  "to) a metadata, link-local or unspecified address; loopback and private addresses, and names "
                  "that do not resolve, only where ALLOW_PRIVATE_PROXIES is on")


class ProxyCreateSchema(CamelSchema):
    # the service judges the URL (with a message per refusal) and holds it to the same pattern, so
    # the document and the server agree; the address rules are PROXY_URL_RULE
    url = ma.fields.String(required=True, validate=ma.validate.Length(min=8, max=500),
                           metadata={"example": "http://10.0.0.5:3128", "pattern": PROXY_URL_PATTERN,
                                     "description": "http://, https:// or socks5://, a host and a port, no path. "
                                                    "A name that resolves to a metadata, link-local or unspecified "
                                                    "address is refused too."})
    weight = ma.fields.Float(load_default=1.0, validate=ma.validate.Range(min=0.01, max=1000))
    label = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=100))


class ProxySchema(CamelSchema):
    id = ma.fields.String(required=True)
    url = ma.fields.String(required=True, metadata={"description": "credentials are masked"})
    source = ma.fields.String(required=True, metadata={"enum": ["env", "api"]})
    label = ma.fields.String(allow_none=True)
    weight = ma.fields.Float(required=True)
    status = ma.fields.String(required=True, metadata={"enum": ["healthy", "failing", "benched", "unknown"]})
    healthy = ma.fields.Boolean(required=True, metadata={"description": "in rotation (not benched)"})
    latency_ms = ma.fields.Float(allow_none=True)
    failures = ma.fields.Integer(required=True, metadata={"description": "consecutive failures"})
    total_failures = ma.fields.Integer(required=True)
    last_error = ma.fields.String(allow_none=True)
    last_checked_at = ma.fields.Integer(allow_none=True, metadata={"description": "epoch ms"})
    benched_until = ma.fields.Integer(allow_none=True, metadata={"description": "epoch ms of the next re-probe"})


class ProxyProbeTaskSchema(CamelSchema):
    task_id = ma.fields.String(required=True)
    queue = ma.fields.String(required=True)
