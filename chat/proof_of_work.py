"""A proof of work before a new guest (ALTCHA), when CHAT_GUEST_PROOF_OF_WORK is on.

The guest form's widget fetches a challenge signed with a key of this site, spends a moment
of the visitor's CPU finding its solution, and sends it with the form. A script making guests
by the thousand pays that moment for each one; a person hardly notices. Nothing leaves this
site: no third-party service is asked.
"""

import base64
import json
import time

import altcha
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

ALGORITHM = "PBKDF2/SHA-256"
CHALLENGE_SECONDS = 600


def _secret() -> str:
    # Derived from SECRET_KEY: one secret fewer to configure, and rotating SECRET_KEY
    # invalidates outstanding challenges along with sessions.
    return salted_hmac("chat.proof_of_work", "challenges").hexdigest()


def challenge_create() -> dict:
    """A signed challenge for the widget, as JSON-ready data; it expires in 10 minutes."""
    challenge = altcha.create_challenge(
        ALGORITHM,
        settings.CHAT_PROOF_OF_WORK_COST,
        expires_at=int(time.time()) + CHALLENGE_SECONDS,
        hmac_secret=_secret(),
    )
    return challenge.to_dict()


def solution_check(*, payload: str) -> bool:
    """Whether ``payload`` (the widget's form field) solves a challenge of ours that has not
    expired and was not used before: each solution admits one guest."""
    if not payload or len(payload) > 4096:
        return False
    result = altcha.verify_solution(payload, _secret())
    if not result.verified:
        return False
    # A challenge has many solutions: the first use of its signature claims it until it
    # expires (in the default cache: per process; a shared cache makes it per site).
    signature = json.loads(base64.b64decode(payload))["challenge"]["signature"]
    return cache.add(f"chat:pow:{signature}", True, timeout=CHALLENGE_SECONDS)
