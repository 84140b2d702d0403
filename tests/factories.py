import factory
from django.contrib.auth import get_user_model

from chat.messaging.numbering import room_seq_take
from chat.models import Message, Room


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda number: f"user{number:08d}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def guest(self, create, extracted, **kwargs):
        if create:
            self.save()
            self.profile.is_guest = bool(extracted)
            self.profile.save()


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    slug = factory.Sequence(lambda number: f"room-{number}")
    title = factory.Sequence(lambda number: f"Room {number}")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    room = factory.SubFactory(RoomFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda number: f"message {number}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs["seq"] = room_seq_take(room=kwargs["room"])
        return super()._create(model_class, *args, **kwargs)
