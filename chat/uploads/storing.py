"""Taking an upload: who may, how often and how much, then the processed picture stored in
the default storage (settings.STORAGES) with its row."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.access.direct import direct_send_check
from chat.errors import RateLimited
from chat.limits import allowance_take
from chat.models import Room, Upload
from chat.moderation.rules import send_check
from chat.uploads.errors import (
    ImageMissing,
    ImagesNotAllowed,
    ImageTooLarge,
    UploadQuota,
)
from chat.uploads.processing import ProcessedImage, image_process
from chat.uploads.removal import upload_files_delete

QUOTA_WINDOW = timedelta(days=1)


def upload_create(*, uploader, room: Room, file, moderator: bool) -> Upload:
    """Store ``file`` (an uploaded file, or None) as a picture for a message in ``room``.
    Refused, cheapest check first, for what would refuse the message (a mute, a read-only
    room, a block), a guest where guests may not share pictures, the size, the rate, the day's
    volume, and then anything that is not a whole picture within the pixel cap."""
    uploads_allowed_check(uploader=uploader, room=room, moderator=moderator)
    if file is None:
        raise ImageMissing()
    if file.size > settings.CHAT_UPLOAD_MAX_BYTES:
        raise ImageTooLarge(
            _("That file is too large: at most %(size)s.")
            % {"size": filesizeformat(settings.CHAT_UPLOAD_MAX_BYTES)}
        )
    upload_quota_check(uploader=uploader, incoming=file.size)
    wait = allowance_take(
        key=f"uploads:{uploader.pk}",
        limit=settings.CHAT_RATE_LIMIT_UPLOADS,
        window=settings.CHAT_RATE_LIMIT_UPLOAD_SECONDS,
    )
    if wait is not None:
        raise RateLimited(wait)
    processed = image_process(
        data=file.read(),
        max_pixels=settings.CHAT_UPLOAD_MAX_PIXELS,
        max_dimension=settings.CHAT_UPLOAD_MAX_DIMENSION,
    )
    return _store(uploader=uploader, room=room, processed=processed)


def uploads_allowed_check(*, uploader, room: Room, moderator: bool) -> None:
    """Whoever could not send the message cannot upload its picture; guests only where the
    room's moderators let them."""
    rules = send_check(room=room, author=uploader, moderator=moderator, slow_mode=False)
    direct_send_check(room=room, author=uploader)
    profile = getattr(uploader, "profile", None)
    guest = profile is None or profile.is_guest
    if guest and not moderator and not rules["guest_images"]:
        raise ImagesNotAllowed()


def upload_quota_check(*, uploader, incoming: int) -> None:
    """Refuse an upload that would take the last 24 hours' stored bytes past
    CHAT_UPLOAD_DAILY_BYTES, saying when enough of them leave the window."""
    limit = settings.CHAT_UPLOAD_DAILY_BYTES
    since = timezone.now() - QUOTA_WINDOW
    recent = Upload.objects.filter(uploader=uploader, created__gte=since)
    used = recent.aggregate(total=Sum("size"))["total"] or 0
    if used + incoming <= limit:
        return
    # The oldest uploads leave the window first: wait until enough of them have.
    freed = 0
    for created, size in recent.order_by("created").values_list("created", "size"):
        freed += size
        if used - freed + incoming <= limit:
            raise UploadQuota((created + QUOTA_WINDOW - timezone.now()).total_seconds())
    raise UploadQuota(QUOTA_WINDOW.total_seconds())


def _store(*, uploader, room: Room, processed: ProcessedImage) -> Upload:
    key = secrets.token_urlsafe(16)
    # Spread over 4,096 folders, so that no folder holds millions of files.
    stem = f"uploads/{key[:2]}/{key}"
    file = default_storage.save(
        f"{stem}.{processed.extension}", ContentFile(processed.picture.data)
    )
    try:
        thumbnail = default_storage.save(
            f"{stem}.thumb.{processed.extension}", ContentFile(processed.thumbnail.data)
        )
        try:
            return Upload.objects.create(
                key=key,
                uploader=uploader,
                room=room,
                file=file,
                thumbnail=thumbnail,
                content_type=processed.content_type,
                width=processed.picture.width,
                height=processed.picture.height,
                thumb_width=processed.thumbnail.width,
                thumb_height=processed.thumbnail.height,
                size=len(processed.picture.data) + len(processed.thumbnail.data),
            )
        except BaseException:
            upload_files_delete(names=[thumbnail])
            raise
    except BaseException:
        upload_files_delete(names=[file])
        raise
