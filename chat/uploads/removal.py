"""Pictures go with their message, and unused ones go after a while: a row's files are
deleted once the deletion of the row has committed (chat/signals.py), so a rolled-back
deletion leaves a picture that still shows."""

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from chat.models import Upload
from chat.uploads.errors import UploadNotFound

logger = logging.getLogger(__name__)

UPLOADS_DIRECTORY = "uploads"


def upload_files_delete(*, names: list[str]) -> None:
    """Delete files from the default storage; one that is already gone is no error."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except Exception:
            # The row is gone either way; uploads_prune finds the file later.
            logger.exception("deleting upload file %s failed", name)


def message_images_remove(*, message_ids: list[int]) -> int:
    """The pictures of messages that were deleted: their rows now, their files on commit."""
    if not message_ids:
        return 0
    count, _by_model = Upload.objects.filter(message_id__in=message_ids).delete()
    return count


def uploads_prune(*, older_than: timedelta) -> tuple[int, int]:
    """Remove uploads no message used within ``older_than`` of their upload, and files in the
    storage's uploads folder that no row names and that are older than that (a file younger
    may belong to an upload being stored now). The two counts."""
    cutoff = timezone.now() - older_than
    rows, _by_model = Upload.objects.filter(message__isnull=True, created__lt=cutoff).delete()
    return rows, _orphan_files_delete(cutoff=cutoff)


def _orphan_files_delete(*, cutoff) -> int:
    try:
        folders, _files = default_storage.listdir(UPLOADS_DIRECTORY)
    except FileNotFoundError:
        return 0
    deleted = 0
    for folder in folders:
        path = f"{UPLOADS_DIRECTORY}/{folder}"
        _subfolders, files = default_storage.listdir(path)
        names = {f"{path}/{name}" for name in files}
        known = set(Upload.objects.filter(file__in=names).values_list("file", flat=True))
        known |= set(Upload.objects.filter(thumbnail__in=names).values_list("thumbnail", flat=True))
        for name in sorted(names - known):
            if default_storage.get_modified_time(name) < cutoff:
                upload_files_delete(names=[name])
                deleted += 1
    return deleted


def upload_forget(*, user, room, key: str) -> None:
    """The uploader takes back a picture no message uses yet (the preview's remove)."""
    deleted, _by_model = Upload.objects.filter(
        key=key, uploader=user, room=room, message__isnull=True
    ).delete()
    if not deleted:
        raise UploadNotFound()
