"""Integrations and the tokens their host sites sign, for the embed tests."""

import time

import jwt

from chat.models import Integration


def integration_create(name: str = "Example", **fields) -> Integration:
    fields.setdefault("allowed_origins", "https://host.example")
    return Integration.objects.create(name=name, **fields)


def token_for(integration: Integration, *, now: float | None = None, secret=None, **claims) -> str:
    """A token ``integration``'s host would sign: valid for five minutes from ``now``; a claim
    given as None is left out."""
    now = time.time() if now is None else now
    payload = {
        "iss": integration.public_id,
        "sub": "42",
        "name": "alice",
        "iat": int(now),
        "exp": int(now) + 300,
        **claims,
    }
    payload = {claim: value for claim, value in payload.items() if value is not None}
    return jwt.encode(payload, secret or integration.secret, algorithm="HS256")
