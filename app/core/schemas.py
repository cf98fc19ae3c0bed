"""Base marshmallow schemas: camelCase on the wire, snake_case in Python."""
from __future__ import annotations

from datetime import timezone

import marshmallow as ma


def camelize(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


MAX_DB_INT = 2**31 - 1  # PostgreSQL integer columns: larger ids are refused, not a 500
NO_NUL_PATTERN = r"^[^\x00]*$"


def refuse_nul(value: str) -> bool:
    """PostgreSQL cannot store NUL in text (SQLite can), so no text a client sends may hold one."""
    if isinstance(value, str) and "\x00" in value:
        raise ma.ValidationError("Must not contain NUL characters")
    return True


class WholeMatch(ma.validate.Regexp):
    """A pattern the whole value must match: with ``re.match``, ``$`` also matches before a final newline."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value


DNS_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# a top-level domain: letters, or an internationalised one in its ASCII form (xn--p1ai is .рф)
TOP_LEVEL_DOMAIN = r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9](?:[A-Za-z0-9-]{0,57}[A-Za-z0-9])?)"
# A domain label of a mail address: no "--" in its third and fourth characters, so no IDNA ("xn--")
# label: format: email judges those by their punycode (jsonschema_rs refuses xn--O, ab--cd), the server cannot.
_MAIL_LABEL = (r"[A-Za-z0-9](?:[A-Za-z0-9]|[A-Za-z0-9-](?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,59}[A-Za-z0-9])?"
               r"|-[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])?))?")
EMAIL_PATTERN = (r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                 rf"@(?:{_MAIL_LABEL}\.)+[A-Za-z]{{2,63}}$")
EMAIL_MAX_LENGTH = 254  # RFC 5321's 256-octet path less its angle brackets


def _mailbox_lengths(value: str) -> str:
    """RFC 5321's limits, which ``format: email`` implies (jsonschema_rs, schemathesis' checker,
    holds them): at most 64 octets before the @ and 253 after it."""
    local, _, domain = value.rpartition("@")
    if len(local) > 64 or len(domain) > 253:
        raise ma.ValidationError("Not a valid email address.")
    return value


class EmailAddress(ma.fields.String):
    """An e-mail address exactly as the document states it: ``format: email`` with its RFC 5321
    lengths, at most 254 characters, and a pattern: ASCII, a dotted domain of host-name labels, a
    top-level domain of two letters or more. ``format: email`` alone admits ``0@0.a`` and
    ``"a b"@[::1]``, which no mail server a user has would take, so the pattern narrows it and the
    server holds both. Internationalised domains (``xn--``) are not taken: the format checks their
    punycode, which this pattern cannot state."""

    def __init__(self, **kwargs):
        extra = kwargs.pop("validate", None) or []
        validators = [ma.validate.Length(max=EMAIL_MAX_LENGTH),
                      WholeMatch(EMAIL_PATTERN, error="Not a valid email address."), _mailbox_lengths,
                      *(extra if isinstance(extra, list) else [extra])]
        kwargs["metadata"] = {"format": "email", **kwargs.get("metadata", {})}
        super().__init__(validate=validators, **kwargs)


_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_PORT = r"(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
_URL_CHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"  # RFC 3986 pchar
HTTP_URL_PATTERN = (rf"^https?://(?:(?:{DNS_LABEL}\.)+{TOP_LEVEL_DOMAIN}|localhost|{_OCTET}(?:\.{_OCTET}){{3}})"
                    rf"(?::{_PORT})?(?:/{_URL_CHAR}*)*(?:\?(?:{_URL_CHAR}|[/?])*)?(?:#(?:{_URL_CHAR}|[/?])*)?$")


class HttpUrl(ma.fields.String):
    """An http(s) URL that a browser loads (an avatar, a poster), exactly as the document states it.

    Host: a DNS name with a top-level domain, ``localhost`` or an IPv4 address; any port 1-65535;
    path, query and fragment of RFC 3986 characters (``%``-escapes for the rest), so Gravatar's
    ``?s=200`` and Google's ``=s96-c`` pass; no credentials, spaces or IPv6 literals. Every value
    the pattern matches is also a ``format: uri``, so the document's two rules and the server's one
    accept the same set. marshmallow's URL validator is not used: no pattern states what it takes.
    """

    def __init__(self, *, max_length: int = 1024, **kwargs):
        extra = kwargs.pop("validate", None) or []
        validators = [ma.validate.Length(max=max_length),
                      WholeMatch(HTTP_URL_PATTERN, error="Must be an http or https URL with a host name"),
                      *(extra if isinstance(extra, list) else [extra])]
        kwargs["metadata"] = {"format": "uri", "pattern": HTTP_URL_PATTERN,
                              "example": "https://img.example.com/poster.jpg", **kwargs.get("metadata", {})}
        super().__init__(validate=validators, **kwargs)


class UtcDateTime(ma.fields.DateTime):
    """An instant on the wire, always with its offset (RFC 3339, as the spec's date-time says).

    SQLite hands timezone-aware columns back naive; they were stored as UTC, so they are sent as
    UTC rather than as an offset-less local time that a client would have to guess about.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


def _refuse_nul_in(field: ma.fields.Field) -> None:
    if isinstance(field, ma.fields.List):
        _refuse_nul_in(field.inner)
    elif isinstance(field, ma.fields.String) and refuse_nul not in field.validators:
        field.validators.append(refuse_nul)


class CamelSchema(ma.Schema):
    """Every field's wire name is the camelCase of its attribute; unknown input keys are refused.

    A plain ``fields.DateTime`` is served as ``UtcDateTime``, so no domain can leak a naive time.
    Every text field refuses NUL (``refuse_nul``); the document says so (app/core/api.py).
    """

    class Meta:
        unknown = ma.RAISE

    def handle_error(self, error: ma.ValidationError, data, *, many: bool, **kwargs) -> None:
        """Errors a schema validator files under an attribute name are renamed to its wire name."""
        messages = error.messages
        if not isinstance(messages, dict):
            return
        renamed = {(self.fields[key].data_key or key) if key in self.fields else key: problem
                   for key, problem in messages.items()}
        if renamed != messages or list(renamed) != list(messages):
            raise ma.ValidationError(renamed, data=data, valid_data=error.valid_data)

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        field_obj.data_key = camelize(field_obj.data_key or field_name)
        _refuse_nul_in(field_obj)
        if type(field_obj) is ma.fields.DateTime:
            field_obj.__class__ = UtcDateTime  # same state, only serialisation differs


class OneOfNested(ma.fields.Field):
    """A value of one of several schemas, chosen by ``pick(value)`` (an index into ``schemas``);
    documented as ``oneOf`` the schemas (app/core/api.py). Serialisation only."""

    def __init__(self, schemas: list[type[ma.Schema]], pick, **kwargs) -> None:
        super().__init__(dump_only=True, **kwargs)
        self.schemas = schemas
        self._pick = pick
        self._instances = [schema() for schema in schemas]

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return self._instances[self._pick(value)].dump(value)


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Machine-readable error code, e.g. VALIDATION_ERROR"})
    message = ma.fields.String(required=True)
    details = ma.fields.Dict(required=True, metadata={
        "description": "Always an object ({} when there is nothing to add). Validation errors: "
                       "{fields: {wireName: [messages]}}"})


class ErrorEnvelopeSchema(ma.Schema):
    success = ma.fields.Boolean(required=True, metadata={"enum": [False]})
    error = ma.fields.Nested(ErrorDetailSchema, required=True)
    timestamp = ma.fields.String(required=True)
    requestId = ma.fields.String(allow_none=True)


class PaginationMetaSchema(ma.Schema):
    page = ma.fields.Integer(required=True)
    perPage = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)
    pages = ma.fields.Integer(required=True)
