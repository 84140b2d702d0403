"""Uploading a picture over HTTP and fetching it (chat/web/upload_views.py): who may, how
much, what comes back, and who may see it afterwards (docs/images.md)."""

import io
import os
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from chat.access.private import room_member_add, room_privacy_set
from chat.models import Message, Sanction, Upload
from chat.moderation.deletion import message_delete, messages_purge
from chat.moderation.rules import room_rules_set
from chat.moderation.sanctions import sanction_record
from chat.payloads import message_payload
from chat.services import message_save
from chat.web.upload_views import OversizedFile, UploadSizeLimit
from tests.factories import MessageFactory, RoomFactory, UserFactory
from tests.pictures import HTML_AS_PNG, SCRIPT, photo_with_location, picture, png_with_script

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload_of(client, slug="lobby", data=None, name="photo.jpg"):
    file = io.BytesIO(picture("JPEG") if data is None else data)
    file.name = name
    return client.post(f"/chat/{slug}/uploads/", {"image": file})


def uploaded(user, slug="lobby", data=None) -> dict:
    response = upload_of(client_for(user), slug, data)
    assert response.status_code == 201, response.content
    return response.json()["upload"]


def error_of(response) -> str:
    return response.json()["error"]["code"]


def sent_with(upload: dict, author, room, body="look") -> Message:
    message = MessageFactory(room=room, author=author, body=body)
    Upload.objects.filter(key=upload["id"]).update(message=message)
    return message


@pytest.fixture
def guest(db):
    return UserFactory(username="visitor", guest=True)


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def club(owner):
    room = RoomFactory(slug="club", title="Club", creator=owner)
    room_privacy_set(actor=owner, room=room, private=True)
    return room


def test_an_upload_answers_with_its_address_and_sizes_and_stores_only_our_encoding(alice, lobby):
    data = photo_with_location(size=(60, 40))

    upload = uploaded(alice, data=data)

    assert upload["url"] == f"/uploads/{upload['id']}/"
    assert upload["thumb_url"] == f"/uploads/{upload['id']}/thumb/"
    assert (upload["width"], upload["height"]) == (40, 60)  # turned upright
    assert (upload["thumb_width"], upload["thumb_height"]) == (40, 60)
    assert upload["content_type"] == "image/jpeg"
    row = Upload.objects.get(key=upload["id"])
    assert (row.uploader, row.room, row.message) == (alice, lobby, None)
    with default_storage.open(row.file) as stored:
        kept = stored.read()
    assert kept != data and b"PhoneMaker" not in kept
    assert row.size == default_storage.size(row.file) + default_storage.size(row.thumbnail)


def test_a_polyglot_is_stored_without_what_followed_the_picture(alice, lobby):
    upload = uploaded(alice, data=png_with_script())

    with default_storage.open(Upload.objects.get(key=upload["id"]).file) as stored:
        assert SCRIPT not in stored.read()


@pytest.mark.parametrize(
    ("data", "name"),
    [(HTML_AS_PNG, "page.png"), (b"PK\x03\x04 not really", "photo.jpg")],
)
def test_a_file_that_is_not_a_picture_is_refused_whatever_its_name(alice, lobby, data, name):
    response = upload_of(client_for(alice), data=data, name=name)

    assert response.status_code == 400
    assert error_of(response) == "image_invalid"
    assert "JPEG, PNG, GIF or WebP" in response.json()["error"]["detail"]
    assert not Upload.objects.exists()
    assert not default_storage.exists("uploads")


def test_no_file_too_large_a_file_and_too_many_pixels_each_say_so(alice, lobby, settings):
    client = client_for(alice)
    assert error_of(client.post("/chat/lobby/uploads/", {})) == "image_missing"

    settings.CHAT_UPLOAD_MAX_BYTES = 100
    response = upload_of(client)
    assert (response.status_code, error_of(response)) == (413, "image_too_large")
    assert "at most 100\xa0bytes" in response.json()["error"]["detail"]

    settings.CHAT_UPLOAD_MAX_BYTES = 10_000_000
    settings.CHAT_UPLOAD_MAX_PIXELS = 1000
    response = upload_of(client, data=picture("PNG", size=(100, 100)))
    assert (response.status_code, error_of(response)) == (400, "image_too_many_pixels")


def test_guests_may_share_pictures_only_where_the_room_allows_it(guest, owner, lobby):
    response = upload_of(client_for(guest))
    assert (response.status_code, error_of(response)) == (403, "images_not_allowed")
    assert "Guests can't share pictures" in response.json()["error"]["detail"]

    room_rules_set(
        actor=UserFactory(is_staff=True, is_superuser=True), room=lobby, guest_images=True
    )

    assert upload_of(client_for(guest)).status_code == 201


def test_a_guest_moderator_is_not_held_to_the_guest_rule(guest, owner):
    room = RoomFactory(slug="guests-mod", creator=owner)
    room.moderators.add(guest)

    assert upload_of(client_for(guest), slug=room.slug).status_code == 201


def test_whoever_could_not_send_the_message_cannot_upload_its_picture(alice, owner, lobby):
    sanction_record(actor=owner, target=alice, kind=Sanction.MUTE, duration="1h", room=lobby)

    response = upload_of(client_for(alice))

    assert error_of(response) == "muted"
    assert not Upload.objects.exists()


def test_uploads_per_window_are_limited_with_a_time_to_wait(alice, lobby, settings):
    settings.CHAT_RATE_LIMIT_UPLOADS = 2
    client = client_for(alice)
    assert [upload_of(client).status_code for _ in range(2)] == [201, 201]

    response = upload_of(client)

    assert (response.status_code, error_of(response)) == (429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_days_volume_is_limited_and_says_when_more_may_be_shared(alice, lobby, settings):
    first = uploaded(alice)
    Upload.objects.filter(key=first["id"]).update(created=timezone.now() - timedelta(hours=20))
    settings.CHAT_UPLOAD_DAILY_BYTES = Upload.objects.get(key=first["id"]).size + 200

    response = upload_of(client_for(alice))

    assert (response.status_code, error_of(response)) == (429, "upload_quota")
    # The first upload leaves the 24 hours in 4 hours.
    assert 3.9 * 3600 < int(response["Retry-After"]) <= 4 * 3600
    assert "in 3\xa0hours, 59\xa0minutes" in response.json()["error"]["detail"]
    # Yesterday's uploads do not count.
    Upload.objects.update(created=timezone.now() - timedelta(hours=25))
    assert upload_of(client_for(alice)).status_code == 201


def test_uploading_needs_a_session_the_csrf_token_and_a_readable_room(alice, owner, club):
    assert upload_of(Client()).status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert upload_of(strict).status_code == 403
    response = upload_of(client_for(alice), slug="club")
    assert (response.status_code, error_of(response)) == (404, "not_found")


def test_a_picture_is_served_as_our_encoding_and_nothing_else(alice, lobby):
    upload = uploaded(alice)
    sent_with(upload, alice, lobby)

    for path, size in ((upload["url"], (64, 48)), (upload["thumb_url"], (64, 48))):
        response = client_for(alice).get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["Cache-Control"].startswith("private")
        assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == size


def test_a_public_rooms_picture_is_for_anyone_with_its_link(alice, lobby):
    upload = uploaded(alice)
    sent_with(upload, alice, lobby)

    assert Client().get(upload["url"]).status_code == 200
    assert Client().get(f"/uploads/{upload['id']}x/").status_code == 404


def test_a_private_rooms_picture_is_for_its_members_only(alice, bob, owner, club):
    room_member_add(actor=owner, room=club, user=alice)
    upload = uploaded(alice, slug="club")
    sent_with(upload, alice, club)

    assert client_for(owner).get(upload["url"]).status_code == 200
    assert client_for(alice).get(upload["thumb_url"]).status_code == 200
    for outsider in (client_for(bob), Client()):
        assert outsider.get(upload["url"]).status_code == 404
        assert outsider.get(upload["thumb_url"]).status_code == 404


def test_an_unsent_upload_is_for_its_uploader_only(alice, bob, lobby):
    upload = uploaded(alice)

    assert client_for(alice).get(upload["url"]).status_code == 200
    assert client_for(bob).get(upload["url"]).status_code == 404
    assert Client().get(upload["url"]).status_code == 404


def test_a_held_messages_picture_is_for_its_author_and_the_moderators(alice, bob, owner):
    room = RoomFactory(slug="held-room", creator=owner)
    upload = uploaded(alice, slug=room.slug)
    message = sent_with(upload, alice, room)
    Message.objects.filter(pk=message.pk).update(held=True)

    assert client_for(alice).get(upload["url"]).status_code == 200
    assert client_for(owner).get(upload["url"]).status_code == 200
    assert client_for(bob).get(upload["url"]).status_code == 404


def test_deleting_a_message_deletes_its_files(
    alice, owner, lobby, django_capture_on_commit_callbacks
):
    upload = uploaded(alice)
    message = sent_with(upload, alice, lobby)
    row = Upload.objects.get(key=upload["id"])
    assert default_storage.exists(row.file) and default_storage.exists(row.thumbnail)

    with django_capture_on_commit_callbacks(execute=True):
        message_delete(actor=alice, message=message)

    assert not Upload.objects.exists()
    assert not default_storage.exists(row.file) and not default_storage.exists(row.thumbnail)
    assert client_for(alice).get(upload["url"]).status_code == 404


def test_purging_a_message_or_deleting_its_room_deletes_the_files(
    alice, lobby, django_capture_on_commit_callbacks
):
    purged = uploaded(alice)
    sent_with(purged, alice, lobby)
    room = RoomFactory(slug="gone-soon")
    with_room = uploaded(alice, slug=room.slug)
    names = list(Upload.objects.values_list("file", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        messages_purge(messages=Message.objects.filter(image__key=purged["id"]))
        room.delete()

    assert not Upload.objects.filter(key__in=[purged["id"], with_room["id"]]).exists()
    assert not any(default_storage.exists(name) for name in names)


def test_the_uploader_may_take_back_an_upload_not_yet_sent(
    alice, bob, lobby, django_capture_on_commit_callbacks
):
    upload = uploaded(alice)
    name = Upload.objects.get(key=upload["id"]).file
    path = f"/chat/lobby/uploads/{upload['id']}/"

    response = client_for(bob).delete(path)
    assert (response.status_code, error_of(response)) == (404, "upload_not_found")
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(alice).delete(path).status_code == 200

    assert not Upload.objects.exists() and not default_storage.exists(name)


def test_pruning_removes_old_unused_uploads_and_files_no_upload_names(
    alice, lobby, django_capture_on_commit_callbacks
):
    kept = uploaded(alice)
    sent_with(kept, alice, lobby)
    fresh = uploaded(alice)
    stale = uploaded(alice)
    Upload.objects.filter(key__in=[kept["id"], stale["id"]]).update(
        created=timezone.now() - timedelta(days=2)
    )
    stray = default_storage.save("uploads/zz/stray.jpg", io.BytesIO(picture("JPEG")))
    young_stray = default_storage.save("uploads/zz/young.jpg", io.BytesIO(picture("JPEG")))
    old = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(default_storage.path(stray), (old, old))
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("uploads_prune", stdout=out)

    assert set(Upload.objects.values_list("key", flat=True)) == {kept["id"], fresh["id"]}
    assert not default_storage.exists(stray) and default_storage.exists(young_stray)
    assert "removed 1 unused uploads and 1 files" in out.getvalue()


def test_behind_nginx_the_file_is_handed_to_it(alice, lobby, settings):
    settings.CHAT_UPLOAD_ACCEL_REDIRECT = "/protected-media/"
    upload = uploaded(alice)
    sent_with(upload, alice, lobby)

    response = client_for(alice).get(upload["thumb_url"])

    row = Upload.objects.get(key=upload["id"])
    assert response["X-Accel-Redirect"] == f"/protected-media/{row.thumbnail}"
    assert response["Content-Type"] == "image/jpeg"
    assert response.content == b""


def test_a_message_saved_with_its_picture_makes_its_payload_without_a_query(
    alice, lobby, django_assert_num_queries
):
    upload = Upload.objects.get(key=uploaded(alice)["id"])
    message, _new = message_save(room=lobby, author=alice, body="", upload=upload)

    with django_assert_num_queries(0):
        payload = message_payload(message)

    assert payload["image"]["url"] == f"/uploads/{upload.key}/"


def test_the_admin_shows_a_messages_picture(alice, lobby):
    upload = uploaded(alice)
    message = sent_with(upload, alice, lobby)
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)

    page = client_for(admin).get(f"/admin/chat/message/{message.pk}/change/").content.decode()

    assert f'src="{upload["thumb_url"]}"' in page and f'href="{upload["url"]}"' in page


def test_a_file_past_the_limit_is_counted_not_kept(settings):
    handler = UploadSizeLimit(limit=10)
    handler.new_file("image", "big.jpg", "image/jpeg", 100)

    assert handler.receive_data_chunk(b"x" * 8, 0) == b"x" * 8  # passed on to be stored
    assert handler.receive_data_chunk(b"x" * 8, 8) is None  # over: kept by no handler
    assert handler.receive_data_chunk(b"x" * 8, 16) is None

    assert handler.file_complete(24) == OversizedFile(name="big.jpg", size=24)
    small = UploadSizeLimit(limit=10)
    small.new_file("image", "small.jpg", "image/jpeg", 5)
    small.receive_data_chunk(b"x" * 5, 0)
    assert small.file_complete(5) is None  # the next handler's file
