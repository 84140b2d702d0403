"""A message using an upload: the sender's own, made for this room, used by no message yet."""

from chat.models import Message, Room, Upload
from chat.uploads.errors import UploadNotFound


def upload_usable(*, author, room: Room, key: str) -> Upload:
    """The upload ``key`` if ``author`` may send it in ``room`` now; UploadNotFound otherwise
    (another's, another room's, used already, removed: the page attaches it again)."""
    upload = Upload.objects.filter(
        key=key, uploader=author, room=room, message__isnull=True
    ).first()
    if upload is None:
        raise UploadNotFound()
    return upload


def upload_attach(*, upload: Upload, message: Message) -> None:
    """Inside the message's transaction: claim ``upload`` for it, unless a concurrent send
    claimed it first (then UploadNotFound rolls the message back)."""
    claimed = Upload.objects.filter(pk=upload.pk, message__isnull=True).update(message=message)
    if not claimed:
        raise UploadNotFound()
    upload.message = message
    Message.image.related.set_cached_value(message, upload)
