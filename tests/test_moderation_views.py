"""The page's moderation endpoints: JSON in and out, the session and CSRF, a clear error
with a stable code for every refusal."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import translation

from chat.models import Message, ModerationAction, Report, Sanction
from chat.moderation.errors import Banned
from tests.factories import MessageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(lobby):
    user = UserFactory(username="owner")
    lobby.creator = user
    lobby.save()
    return user


def client_for(user, *, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def post(client, path, data=None, **extra):
    return client.post(path, json.dumps(data or {}), content_type="application/json", **extra)


def test_a_moderator_deletes_a_message_and_it_is_kept_for_the_record(owner, alice, lobby):
    message = MessageFactory(room=lobby, author=alice)

    response = post(
        client_for(owner), f"/chat/lobby/messages/{message.pk}/delete/", {"reason": "spam"}
    )

    assert response.status_code == 200 and response.json() == {"ok": True}
    message.refresh_from_db()
    assert (message.deleted_by, message.delete_reason) == (owner, "spam")
    assert ModerationAction.objects.get().action == ModerationAction.DELETE


def test_a_user_who_is_no_moderator_is_refused_with_a_reason(alice, bob, lobby):
    message = MessageFactory(room=lobby, author=alice)

    response = post(client_for(bob), f"/chat/lobby/messages/{message.pk}/delete/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert Message.objects.get(pk=message.pk).deleted_at is None


def test_a_visitor_who_is_not_logged_in_gets_401_not_a_login_page(alice, lobby):
    message = MessageFactory(room=lobby, author=alice)

    response = post(Client(), f"/chat/lobby/messages/{message.pk}/report/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_without_the_csrf_token_nothing_happens(owner, alice, lobby):
    message = MessageFactory(room=lobby, author=alice)

    response = post(client_for(owner, csrf=True), f"/chat/lobby/messages/{message.pk}/delete/")

    assert response.status_code == 403
    assert Message.objects.get(pk=message.pk).deleted_at is None


def test_a_message_of_another_room_is_not_found_through_this_one(owner, alice, lobby, other_room):
    elsewhere = MessageFactory(room=other_room, author=alice)

    response = post(client_for(owner), f"/chat/lobby/messages/{elsewhere.pk}/delete/")

    assert response.status_code == 404


def test_anyone_may_report_a_message_once(alice, bob, lobby):
    message = MessageFactory(room=lobby, author=alice)
    client = client_for(bob)

    first = post(client, f"/chat/lobby/messages/{message.pk}/report/", {"reason": "rude"})
    second = post(client, f"/chat/lobby/messages/{message.pk}/report/", {"reason": "rude"})

    assert first.json()["report"] == second.json()["report"]
    assert Report.objects.get().reason == "rude"


def test_a_mute_takes_a_duration_and_a_bad_one_is_explained(owner, alice, lobby):
    client = client_for(owner)

    bad = post(client, f"/chat/lobby/people/{alice.pk}/mute/", {"duration": "3 years"})
    good = post(client, f"/chat/lobby/people/{alice.pk}/mute/", {"duration": "1h", "reason": "x"})

    assert bad.status_code == 400 and "10m, 1h, 1d, 1w or forever" in bad.json()["error"]["detail"]
    sanction = Sanction.objects.get(pk=good.json()["sanction"])
    assert (sanction.kind, sanction.room, sanction.reason) == (Sanction.MUTE, lobby, "x")


def test_only_site_moderators_ban_site_wide(owner, alice, lobby):
    response = post(
        client_for(owner), f"/chat/lobby/people/{alice.pk}/ban/", {"duration": "1d", "site": True}
    )

    assert response.status_code == 403
    assert not Sanction.objects.exists()


def test_a_reason_longer_than_the_limit_is_refused(owner, alice, lobby):
    response = post(
        client_for(owner), f"/chat/lobby/people/{alice.pk}/kick/", {"reason": "x" * 201}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_a_body_that_is_not_json_is_an_error_not_a_crash(owner, alice, lobby):
    response = client_for(owner).post(
        f"/chat/lobby/people/{alice.pk}/kick/", "{oops", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["detail"] == "The request is not valid JSON."


def test_the_card_shows_moderators_what_they_may_do_and_others_only_the_person(
    owner, alice, bob, lobby
):
    as_moderator = client_for(owner).get(f"/chat/lobby/people/{alice.pk}/").json()
    as_user = client_for(bob).get(f"/chat/lobby/people/{alice.pk}/").json()

    assert as_moderator["user"]["name"] == "alice" and as_moderator["can_moderate"] is True
    assert as_moderator["sanctions"] == []
    assert as_user["can_moderate"] is False and "sanctions" not in as_user


def test_the_panel_is_for_moderators_and_lists_reports_and_sanctions(owner, alice, bob, lobby):
    message = MessageFactory(room=lobby, author=alice)
    post(client_for(bob), f"/chat/lobby/messages/{message.pk}/report/", {"reason": "rude"})
    post(client_for(owner), f"/chat/lobby/people/{alice.pk}/mute/", {"duration": "10m"})

    refused = client_for(bob).get("/chat/lobby/moderation/")
    panel = client_for(owner).get("/chat/lobby/moderation/").json()

    assert refused.status_code == 403
    assert [report["reason"] for report in panel["reports"]] == ["rude"]
    assert [(s["kind"], s["user"]["name"]) for s in panel["sanctions"]] == [("mute", "alice")]
    assert {entry["action"] for entry in panel["log"]} == {"report", "mute"}


def test_resolving_a_report_by_deleting_closes_it(owner, alice, bob, lobby):
    message = MessageFactory(room=lobby, author=alice)
    report_id = post(client_for(bob), f"/chat/lobby/messages/{message.pk}/report/").json()["report"]

    response = post(
        client_for(owner), f"/chat/lobby/reports/{report_id}/resolve/", {"resolution": "deleted"}
    )

    assert response.status_code == 200
    assert Report.objects.get().resolution == Report.DELETED
    assert Message.objects.get(pk=message.pk).deleted_at is not None


def test_rules_are_set_and_checked(owner, lobby):
    client = client_for(owner)

    ok = post(client, "/chat/lobby/rules/", {"slow_mode_seconds": 30, "guests_read_only": True})
    bad = post(client, "/chat/lobby/rules/", {"slow_mode_seconds": "soon"})

    assert ok.status_code == 200 and bad.status_code == 400
    lobby.refresh_from_db()
    assert (lobby.slow_mode_seconds, lobby.guests_read_only, lobby.read_only) == (30, True, False)


def test_a_moderator_lifts_a_ban_of_their_room_but_not_one_of_another(
    owner, alice, lobby, other_room
):
    here = Sanction.objects.create(kind=Sanction.BAN, user=alice, room=lobby)
    there = Sanction.objects.create(kind=Sanction.BAN, user=alice, room=other_room)
    client = client_for(owner)

    assert post(client, f"/chat/lobby/sanctions/{here.pk}/lift/").status_code == 200
    assert post(client, f"/chat/lobby/sanctions/{there.pk}/lift/").status_code == 404
    assert not Sanction.objects.active().filter(room=lobby).exists()


@pytest.mark.django_db(transaction=True)  # commits for real: the announcement runs in the view
def test_an_action_stands_when_open_pages_cannot_be_told(owner, alice, lobby, monkeypatch, caplog):
    """Redis unreachable at the moment of the announcement: the deletion is saved and said
    done (every check reads the database); the failure is logged, not a 500."""
    message = MessageFactory(room=lobby, author=alice)

    async def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("chat.moderation.live.room_broadcast", unreachable)
    response = post(client_for(owner), f"/chat/lobby/messages/{message.pk}/delete/")

    assert response.status_code == 200
    assert Message.objects.get(pk=message.pk).deleted_at is not None
    assert "announcing a moderation action failed" in caplog.text


def test_the_owner_names_a_moderator_from_the_page_and_only_the_owner_may(owner, alice, bob, lobby):
    refused = post(
        client_for(bob), f"/chat/lobby/people/{alice.pk}/moderator/", {"moderator": True}
    )
    named = post(
        client_for(owner), f"/chat/lobby/people/{alice.pk}/moderator/", {"moderator": True}
    )

    assert refused.status_code == 403 and named.status_code == 200
    card = client_for(owner).get(f"/chat/lobby/people/{alice.pk}/").json()
    assert card["moderator"] and card["named_moderator"] and card["can_name_moderator"]
    message = MessageFactory(room=lobby, author=bob)
    assert post(client_for(alice), f"/chat/lobby/messages/{message.pk}/delete/").status_code == 200
    post(client_for(owner), f"/chat/lobby/people/{alice.pk}/moderator/", {"moderator": False})
    assert not client_for(owner).get(f"/chat/lobby/people/{alice.pk}/").json()["moderator"]


def test_what_is_not_there_is_a_json_404_too(owner, lobby):
    response = post(client_for(owner), "/chat/lobby/messages/999999/delete/")
    nowhere = post(client_for(owner), "/chat/nowhere/messages/1/delete/")

    assert response.status_code == nowhere.status_code == 404
    assert response.json()["error"]["code"] == nowhere.json()["error"]["code"] == "not_found"


def test_a_ban_says_until_when_in_words(owner, alice, lobby):
    with translation.override("en"):
        detail = str(
            Banned(
                until=datetime(2026, 12, 24, 18, 30, tzinfo=UTC), reason="spam", room="lobby"
            ).detail
        )

    assert (
        detail == "A moderator banned you from this room until 2026-12-24 18:30 UTC. Reason: spam"
    )
