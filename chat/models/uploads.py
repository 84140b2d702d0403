"""Pictures people share in messages: the re-encoded picture and its thumbnail, never the
bytes that were uploaded (chat/uploads/)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

UPLOAD_KEY_LENGTH = 22  # secrets.token_urlsafe(16): 128 random bits, the picture's address


class Upload(models.Model):
    # In the picture's URL: unguessable, so a link is only as public as its room.
    key = models.CharField(_("key"), max_length=UPLOAD_KEY_LENGTH, unique=True, editable=False)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="uploads",
    )
    # The room it was uploaded for: only a message there may use it, and only the room's
    # readers may see it.
    room = models.ForeignKey(
        "chat.Room", verbose_name=_("room"), on_delete=models.CASCADE, related_name="uploads"
    )
    # None until a message uses it; one no message uses is removed by `manage.py uploads_prune`.
    message = models.OneToOneField(
        "chat.Message",
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="image",
    )
    # Names in the default storage (settings.STORAGES); deleting the row deletes both files
    # (chat/signals.py).
    file = models.CharField(_("file"), max_length=200, editable=False)
    thumbnail = models.CharField(_("thumbnail"), max_length=200, editable=False)
    content_type = models.CharField(_("content type"), max_length=32, editable=False)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    thumb_width = models.PositiveIntegerField(_("thumbnail width"))
    thumb_height = models.PositiveIntegerField(_("thumbnail height"))
    # Bytes stored, picture and thumbnail: what counts against CHAT_UPLOAD_DAILY_BYTES.
    size = models.PositiveIntegerField(_("size (bytes)"))
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")
        indexes = [
            models.Index(fields=["uploader", "created"], name="upload_uploader_created"),
            models.Index(
                fields=["created"],
                condition=models.Q(message__isnull=True),
                name="upload_unused_created",
            ),
        ]

    def __str__(self) -> str:
        return self.key
