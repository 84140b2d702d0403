"""A host site's sign-in token: HS256 with its integration's secret, at most ten minutes long,
naming a member by the host's id and a nickname by the rules of /join/; anything else is
refused with its own code (docs/embed.md)."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from chat.embed.errors import (
    ClaimInvalid,
    IntegrationUnknown,
    NameInvalid,
    TokenExpired,
    TokenInvalid,
    TokenNotYetValid,
    TokenTooLongLived,
)
from chat.embed.tokens import sign_in_claims
from tests.embed import integration_create, token_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
T = NOW.timestamp()


@pytest.fixture
def integration():
    return integration_create()


def claims_of(token: str):
    return sign_in_claims(token=token, now=NOW)


def hand_signed(header: dict, payload: dict, key: bytes | None) -> str:
    """A token put together by hand, as an attacker would: any header, any signature."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signed = f"{part(json.dumps(header).encode())}.{part(json.dumps(payload).encode())}"
    signature = hmac.new(key, signed.encode(), hashlib.sha256).digest() if key else b""
    return f"{signed}.{part(signature)}"


def test_a_valid_token_gives_the_member_and_the_integration(integration):
    claims = claims_of(token_for(integration, now=T, sub="u-17", name="王小明", avatar="a5"))

    assert claims.integration == integration
    assert (claims.sub, claims.name, claims.avatar) == ("u-17", "王小明", "a5")
    assert claims.avatar_url == ""
    assert claims.moderator is False
    assert claims.expires == NOW + timedelta(minutes=5)


def test_an_expired_token_is_refused(integration):
    with pytest.raises(TokenExpired) as refused:
        claims_of(token_for(integration, now=T - 600, iat=int(T - 600), exp=int(T - 31)))
    assert refused.value.code == "token_expired"


def test_a_token_that_expired_within_the_leeway_is_accepted(integration):
    claims_of(token_for(integration, now=T - 300, exp=int(T - 20)))


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_a_token_not_yet_valid_is_refused(integration, claim):
    with pytest.raises(TokenNotYetValid) as refused:
        claims_of(token_for(integration, now=T, **{claim: int(T + 60)}))
    assert refused.value.code == "token_not_yet_valid"


def test_a_clock_a_little_ahead_is_forgiven(integration):
    claims_of(token_for(integration, now=T + 20, nbf=int(T + 20)))


def test_a_token_valid_for_more_than_ten_minutes_is_refused(integration):
    with pytest.raises(TokenTooLongLived) as refused:
        claims_of(token_for(integration, now=T, exp=int(T + 601)))
    assert refused.value.code == "token_too_long_lived"
    assert "10 minutes" in str(refused.value.detail)


def test_without_iat_the_ten_minutes_count_from_now(integration):
    claims_of(token_for(integration, now=T, iat=None, exp=int(T + 600)))
    with pytest.raises(TokenTooLongLived):
        claims_of(token_for(integration, now=T, iat=None, exp=int(T + 3600)))


def test_ten_minutes_exactly_is_accepted(integration):
    claims_of(token_for(integration, now=T, exp=int(T + 600)))


def test_a_wrong_signature_is_refused(integration):
    with pytest.raises(TokenInvalid) as refused:
        claims_of(token_for(integration, now=T, secret="x" * 43))
    assert refused.value.code == "token_invalid"


def test_a_token_signed_with_another_integrations_secret_is_refused(integration):
    other = integration_create("Other")
    with pytest.raises(TokenInvalid):
        claims_of(token_for(integration, now=T, secret=other.secret))  # iss: the first one


def test_an_unsigned_token_alg_none_is_refused(integration):
    payload = {"iss": integration.public_id, "sub": "1", "name": "eve", "exp": int(T + 60)}
    with pytest.raises(TokenInvalid) as refused:
        claims_of(hand_signed({"alg": "none", "typ": "JWT"}, payload, key=None))
    assert "HS256" in str(refused.value.detail)


@pytest.mark.parametrize("alg", ["RS256", "HS512", "ES256"])
def test_a_token_of_another_algorithm_is_refused(integration, alg):
    # Signed with the secret as HMAC, but saying RS256: the algorithm-confusion attack.
    payload = {"iss": integration.public_id, "sub": "1", "name": "eve", "exp": int(T + 60)}
    token = hand_signed({"alg": alg, "typ": "JWT"}, payload, key=integration.secret.encode())
    with pytest.raises(TokenInvalid):
        claims_of(token)


def test_a_hand_made_hs256_token_is_accepted(integration):
    payload = {"iss": integration.public_id, "sub": "1", "name": "eve", "exp": int(T + 60)}
    token = hand_signed({"alg": "HS256", "typ": "JWT"}, payload, key=integration.secret.encode())
    assert claims_of(token).name == "eve"


def test_an_unknown_integration_is_refused(integration):
    with pytest.raises(IntegrationUnknown) as refused:
        claims_of(token_for(integration, now=T, iss="nobody"))
    assert refused.value.code == "integration_unknown"


def test_an_inactive_integration_is_refused(integration):
    integration.active = False
    integration.save()
    with pytest.raises(IntegrationUnknown):
        claims_of(token_for(integration, now=T))


@pytest.mark.parametrize("token", ["", "   ", "not a token", "a.b.c", "x" * 5000, None, 42])
def test_what_is_not_a_token_is_refused(integration, token):
    with pytest.raises(TokenInvalid):
        sign_in_claims(token=token, now=NOW)


@pytest.mark.parametrize("claim", ["iss", "sub", "name", "exp"])
def test_each_required_claim_must_be_there(integration, claim):
    with pytest.raises(ClaimInvalid) as refused:
        claims_of(token_for(integration, now=T, **{claim: None}))
    assert f"“{claim}”" in str(refused.value.detail)


@pytest.mark.parametrize("sub", [42, "", "x" * 65])
def test_sub_is_text_of_1_to_64_characters(integration, sub):
    with pytest.raises(ClaimInvalid) as refused:
        claims_of(token_for(integration, now=T, sub=sub))
    assert refused.value.code == "claim_invalid"


@pytest.mark.parametrize(
    "name",
    ["Jane Doe", "<b>x</b>", "a" * 33, "ali\u200bce", "   ", 7],
)
def test_a_name_is_checked_as_a_chosen_nickname(integration, name):
    with pytest.raises(NameInvalid) as refused:
        claims_of(token_for(integration, now=T, name=name))
    assert refused.value.code == "name_invalid"


def test_a_name_is_trimmed(integration):
    assert claims_of(token_for(integration, now=T, name="  bob ")).name == "bob"


def test_the_avatar_is_one_of_ours_or_an_https_picture(integration):
    url = "https://host.example/pictures/17.png"
    claims = claims_of(token_for(integration, now=T, avatar=url))
    assert (claims.avatar, claims.avatar_url) == (None, url)
    assert claims_of(token_for(integration, now=T)).avatar is None


@pytest.mark.parametrize(
    "avatar", ["http://host.example/17.png", "a99", "javascript:alert(1)", 5, ["a1"]]
)
def test_another_avatar_is_refused(integration, avatar):
    with pytest.raises(ClaimInvalid):
        claims_of(token_for(integration, now=T, avatar=avatar))


def test_moderator_is_true_or_false(integration):
    assert claims_of(token_for(integration, now=T, moderator=True)).moderator is True
    with pytest.raises(ClaimInvalid):
        claims_of(token_for(integration, now=T, moderator="yes"))


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf"])
@pytest.mark.parametrize("value", ["soon", True, float("nan"), float("inf")])
def test_times_are_numbers(integration, claim, value):
    with pytest.raises(ClaimInvalid):
        claims_of(token_for(integration, now=T, **{claim: value}))
