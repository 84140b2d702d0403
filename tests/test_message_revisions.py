"""A message's earlier versions: kept, shown to the room's moderators, to no one else."""

import pytest
from django.test import Client

from chat.messaging.edits import message_edit_apply
from tests.factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_rooms_moderators_read_what_a_message_said_before_its_edits():
    owner, author = UserFactory(username="owner"), UserFactory(username="author")
    room = RoomFactory(slug="den", creator=owner)
    message = MessageFactory(room=room, author=author, body="first")
    message_edit_apply(actor=author, room=room, message_id=message.pk, body="second")
    message_edit_apply(actor=author, room=room, message_id=message.pk, body="third")
    path = f"/chat/den/messages/{message.pk}/revisions/"

    answer = client_for(owner).get(path)

    assert answer.status_code == 200
    assert [revision["body"] for revision in answer.json()["revisions"]] == ["first", "second"]
    assert client_for(author).get(path).status_code == 403
    assert client_for(UserFactory()).get(path).status_code == 403
    assert Client().get(path).status_code == 401
    assert client_for(owner).get("/chat/den/messages/999999/revisions/").status_code == 404
