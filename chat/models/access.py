"""Who may open a room that is not public, and where each person stopped reading."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RoomMember(models.Model):
    """A person let into a private room or a direct conversation. Public rooms need none."""

    room = models.ForeignKey(
        "chat.Room", verbose_name=_("room"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="room_memberships",
    )
    added = models.DateTimeField(_("added"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["added", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="member_unique_per_room")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.room}"


class RoomInvite(models.Model):
    """A link that lets whoever has it into a private room, until it expires or is revoked."""

    room = models.ForeignKey(
        "chat.Room", verbose_name=_("room"), on_delete=models.CASCADE, related_name="invites"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("uses"), default=0, editable=False)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("invitation link")
        verbose_name_plural = _("invitation links")

    def __str__(self) -> str:
        return f"{self.room}: {self.token[:6]}…"

    def is_valid(self, *, now=None) -> bool:
        return self.revoked_at is None and self.expires > (now or timezone.now())


class Block(models.Model):
    """``user`` does not want to hear from ``blocked``: no direct messages either way."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="blocks",
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blocked"),
        on_delete=models.CASCADE,
        related_name="blocked_by",
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["user", "blocked"], name="block_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.user} blocks {self.blocked}"


class ReadPosition(models.Model):
    """The number of the last message of ``room`` that ``user`` has seen, shared by all
    their tabs and devices: what unread counts and the "new messages" line start from."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="read_positions",
    )
    room = models.ForeignKey(
        "chat.Room", verbose_name=_("room"), on_delete=models.CASCADE, related_name="+"
    )
    last_read_seq = models.BigIntegerField(_("last message read"), default=0)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Per room: no browser notifications from it (mentions and DMs still count as unread).
    notifications_muted = models.BooleanField(_("notifications muted"), default=False)

    class Meta:
        verbose_name = _("read position")
        verbose_name_plural = _("read positions")
        constraints = [
            models.UniqueConstraint(fields=["user", "room"], name="read_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.room}: {self.last_read_seq}"
