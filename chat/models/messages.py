"""What people add to a message after sending it: its earlier versions, reactions, and the
people it mentions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

EMOJI_MAX_LENGTH = 32  # code points: a flag, a family or a skin-toned emoji fits
MENTION_TEXT_MAX_LENGTH = 40


class MessageRevision(models.Model):
    """A message's text before an edit: for moderators and the admin, never for the room."""

    message = models.ForeignKey(
        "chat.Message",
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    body = models.TextField(_("body"))
    # When this text was replaced: the time of the edit that ended it.
    replaced_at = models.DateTimeField(_("replaced"))

    class Meta:
        ordering = ["replaced_at", "id"]
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")

    def __str__(self) -> str:
        return self.body[:40]


class Reaction(models.Model):
    message = models.ForeignKey(
        "chat.Message",
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="reactions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="reactions",
    )
    emoji = models.CharField(_("emoji"), max_length=EMOJI_MAX_LENGTH)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "emoji"], name="reaction_unique_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.emoji} {self.user}"


class Mention(models.Model):
    """``@name`` in a message, kept as the user it named: a later rename still points at
    them, and notifications key on it."""

    message = models.ForeignKey(
        "chat.Message",
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="mentions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="mentions",
    )
    # The ``@token`` as typed: the page finds it in the body and shows the current name.
    text = models.CharField(_("text"), max_length=MENTION_TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["id"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_unique_per_user")
        ]

    def __str__(self) -> str:
        return self.text
