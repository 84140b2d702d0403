"""Who may see a picture: whoever may read its message."""

from chat.access.rules import room_readable
from chat.models import Upload
from chat.moderation.roles import can_moderate


def upload_for_viewer(*, user, key: str) -> Upload | None:
    """The upload ``key`` if ``user`` may see it, else None (as for one that does not exist).

    A public room's pictures are for anyone with the link, as its address is 128 random
    bits: the old page's readers open them in a browser that has no session here. A private
    room's and a direct conversation's are for its members only; a held message's for its
    author and the room's moderators; an unsent upload for its uploader. A deleted
    message's pictures are deleted with it."""
    upload = Upload.objects.select_related("room", "message").filter(key=key).first()
    if upload is None:
        return None
    message = upload.message
    authenticated = bool(user and user.is_authenticated)
    if message is None:
        return upload if authenticated and user.pk == upload.uploader_id else None
    if message.deleted_at is not None:
        return None
    if message.held and not (
        authenticated
        and (user.pk == message.author_id or can_moderate(user=user, room=upload.room))
    ):
        return None
    if not upload.room.is_public and not room_readable(user=user, room=upload.room):
        return None
    return upload
