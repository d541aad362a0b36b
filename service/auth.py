"""API keys on requests: ``Authorization: Bearer <key>`` names the organisation.

A missing, unknown or revoked key is a 401 with ``WWW-Authenticate: Bearer``
(RFC 6750). The caller is looked up once per request and kept on ``g``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from service.errors import ApiError
from service.storage import repository
from service.storage.db import database

REALM = "partnerdocs"
#: The name of the bearer key in the OpenAPI document's security schemes.
SECURITY_SCHEME = "apiKey"


@dataclass(frozen=True)
class Caller:
    """Who is calling: the organisation of the key and the key's prefix."""

    organisation_id: int
    organisation: str
    key_prefix: str


def _unauthorized(message: str, *, error: str | None = None) -> ApiError:
    challenge = f'Bearer realm="{REALM}"'
    if error is not None:
        challenge += f', error="{error}"'
    return ApiError(401, message, headers={"WWW-Authenticate": challenge})


def authenticate() -> Caller:
    """The caller of this request; raise a 401 without a valid, unrevoked key."""
    cached: Caller | None = g.get("caller")
    if cached is not None:
        return cached
    header = request.authorization
    if header is None or header.type.lower() != "bearer" or not header.token:
        raise _unauthorized(
            "An API key is required: send it as 'Authorization: Bearer <key>'."
        )
    with database().transaction() as session:
        api_key = repository.find_key(session, header.token)
        if api_key is None:
            raise _unauthorized("The API key is not valid.", error="invalid_token")
        if api_key.revoked:
            raise _unauthorized("The API key has been revoked.", error="invalid_token")
        caller = Caller(
            organisation_id=api_key.organisation_id,
            organisation=api_key.organisation.name,
            key_prefix=api_key.prefix,
        )
    g.caller = caller
    return caller
