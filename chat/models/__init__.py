from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chat.avatars import AVATAR_CHOICES, DEFAULT_AVATAR, avatar_url, picture_url
from chat.names import COLLISION_MARK, NAME_KEY_MAX_LENGTH, name_key

# Ids are 64-bit in the database: a larger one finds nothing, and PostgreSQL refuses to
# compare with it.
ID_MAX = 2**63 - 1


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    avatar = models.CharField(
        _("avatar"), max_length=16, choices=AVATAR_CHOICES, default=DEFAULT_AVATAR
    )
    is_guest = models.BooleanField(_("guest"), default=True)
    # Where the account was made: "legacy" names belong to the PHP room's page
    # (chat/legacy/consumer.py), which may log in with them again; "web" names may not;
    # "embed" users are a host site's members, signed in by its tokens only (chat/embed/).
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=[("web", "web"), ("legacy", "legacy"), ("embed", "embed")],
        default="web",
    )
    # The user name's look-alike key (chat/names.py): unique, so two names a reader cannot
    # tell apart cannot both exist, on any database. Kept by save() and by a rename
    # (chat/signals.py).
    name_key = models.CharField(
        _("name key"), max_length=NAME_KEY_MAX_LENGTH + 16, unique=True, editable=False
    )
    # Where the user was last seen, keyed-hashed (chat/moderation/devices.py): a ban on the
    # user then holds their browser and address too. Never the plain address.
    # A host site's picture of its member (chat/embed/pictures.py), re-encoded and stored
    # here: a name in the default storage, worn instead of the avatar when set.
    picture = models.CharField(_("picture"), max_length=200, blank=True, editable=False)
    browser_key = models.CharField(_("browser key"), max_length=64, blank=True, editable=False)
    address_key = models.CharField(_("address key"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.user.get_username()

    def save(self, *args, **kwargs):
        if self.name_key_stale():
            self.name_key = name_key(self.user.get_username())
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def name_key_stale(self) -> bool:
        """Whether name_key is not the key of the user's name (a number after a
        COLLISION_MARK, given by migration 0005 to the later of two old look-alikes, stays)."""
        key = name_key(self.user.get_username())
        return self.name_key.partition(COLLISION_MARK)[0] != key

    @property
    def avatar_url(self) -> str:
        if self.picture:
            return picture_url(self.picture)
        return avatar_url(self.avatar)


class Room(models.Model):
    PUBLIC = "public"
    PRIVATE = "private"
    DIRECT = "direct"
    KINDS = [
        (PUBLIC, _("public")),
        (PRIVATE, _("private")),
        (DIRECT, _("direct conversation")),
    ]

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=100)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rooms_created",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # The seq of the room's newest message. Taking the next one locks this row, which
    # serialises sends within a room: seqs have no gaps and follow commit order.
    last_seq = models.BigIntegerField(_("last message number"), default=0, editable=False)
    # People the owner (the creator) named to moderate this room; site staff with the
    # "moderate every room" permission moderate it too (chat/moderation/roles.py).
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        blank=True,
        related_name="rooms_moderated",
    )
    slow_mode_seconds = models.PositiveIntegerField(
        _("slow mode (seconds)"),
        default=0,
        help_text=_(
            "One message per this many seconds per person; 0 for off. Moderators are exempt."
        ),
    )
    read_only = models.BooleanField(
        _("read-only"), default=False, help_text=_("Only moderators may post.")
    )
    guests_read_only = models.BooleanField(
        _("guests read-only"), default=False, help_text=_("Guests may read but not post.")
    )
    # Pictures are the riskiest thing a guest can post, so a room takes them only from
    # accounts until its moderators say otherwise.
    guest_images = models.BooleanField(
        _("guests may share pictures"),
        default=False,
        help_text=_("Guests may post pictures; accounts always may."),
    )
    # Public: anyone logged in may read it. Private and direct: only its members
    # (chat/access.py), and a direct conversation has exactly two.
    kind = models.CharField(_("kind"), max_length=8, choices=KINDS, default=PUBLIC)
    # A direct conversation's two user ids, "low:high": one conversation per pair.
    direct_key = models.CharField(
        _("direct pair"), max_length=48, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        permissions = [("moderate_rooms", _("Can moderate every room"))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.kind == self.PUBLIC

    @property
    def is_direct(self) -> bool:
        return self.kind == self.DIRECT


class MessageQuerySet(models.QuerySet):
    def in_room(self, room: Room) -> "MessageQuerySet":
        return self.filter(room=room)

    def before(self, message_id: int) -> "MessageQuerySet":
        return self.filter(id__lt=message_id)

    def after(self, message_id: int) -> "MessageQuerySet":
        return self.filter(id__gt=message_id)

    def with_author(self) -> "MessageQuerySet":
        return self.select_related("author__profile")

    def for_payload(self) -> "MessageQuerySet":
        """With what chat.payloads.message_payload reads: two queries per page for the
        reactions and mentions, none per message."""
        return self.select_related(
            "author__profile", "room", "reply_to__author__profile", "reply_to__image", "image"
        ).prefetch_related(
            models.Prefetch("reactions", queryset=Reaction.objects.select_related("user")),
            models.Prefetch("mentions", queryset=Mention.objects.select_related("user")),
        )

    def visible(self) -> "MessageQuerySet":
        """What everyone sees: neither deleted nor held by the word filter."""
        return self.filter(deleted_at__isnull=True, held=False)

    def visible_to(self, user, *, moderator: bool) -> "MessageQuerySet":
        """What ``user`` sees: moderators everything, an author their own held messages too."""
        if moderator:
            return self
        return self.filter(deleted_at__isnull=True).filter(
            models.Q(held=False) | models.Q(author=user)
        )


class Message(models.Model):
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    body = models.TextField(_("body"))
    # 1, 2, 3… within the room: a client that sees 7 after 5 knows it missed 6.
    seq = models.BigIntegerField(_("number in room"), editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    # Chosen by the sending page so that a resend after a dropped connection is
    # recognised instead of saved twice. NULL (not "") means "none given", so the
    # per-author unique constraint below leaves such messages alone.
    client_msg_id = models.CharField(  # noqa: DJ001
        _("client message id"), max_length=64, null=True, blank=True
    )
    # A deletion is soft: who, when and why stay for moderators and the audit log; the
    # admin's "purge" removes the row.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    delete_reason = models.CharField(_("reason for deletion"), max_length=200, blank=True)
    # Held by the word filter: shown to its author and to moderators until one approves it.
    held = models.BooleanField(_("held for review"), default=False)
    # The message it answers. A purged original leaves the reply without its quote.
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
    )
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # The last edit or reaction: a page that reconnects is sent what changed while it was away.
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True, db_index=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["room", "id"], name="message_room_id")]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="message_unique_seq_per_room"),
            models.UniqueConstraint(
                fields=["author", "client_msg_id"],
                condition=models.Q(client_msg_id__isnull=False),
                name="message_unique_client_msg_id_per_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} in {self.room}: {self.body[:40]}"


from chat.models.access import Block, ReadPosition, RoomInvite, RoomMember  # noqa: E402
from chat.models.integrations import ExternalAccount, Integration  # noqa: E402
from chat.models.messages import Mention, MessageRevision, Reaction  # noqa: E402
from chat.models.moderation import (  # noqa: E402  (they refer to the models above)
    ModerationAction,
    Report,
    Sanction,
    WordFilter,
)
from chat.models.uploads import Upload  # noqa: E402

__all__ = [
    "ID_MAX",
    "Block",
    "ExternalAccount",
    "Integration",
    "Mention",
    "Message",
    "MessageRevision",
    "ModerationAction",
    "Profile",
    "Reaction",
    "ReadPosition",
    "Report",
    "Room",
    "RoomInvite",
    "RoomMember",
    "Sanction",
    "Upload",
    "WordFilter",
]
