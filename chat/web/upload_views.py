"""Pictures over HTTP (docs/images.md): upload one for a message, forget one not sent, and
fetch one, which only those who may read its message get."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chat.moderation.roles import can_moderate
from chat.payloads import image_payload
from chat.uploads.access import upload_for_viewer
from chat.uploads.removal import upload_forget
from chat.uploads.storing import upload_create
from chat.web.json_endpoints import endpoint

# A picture is never a document: nothing in it runs, and a browser may not guess its type.
PICTURE_POLICY = "default-src 'none'"
CACHE_SECONDS = 3600
AVATAR_FILE = re.compile(r"[0-9a-f]{20}\.(?P<extension>jpg|png)")


@dataclass(frozen=True)
class OversizedFile:
    """What is left of a file past the size limit: its name and how big it was."""

    name: str
    size: int


class UploadSizeLimit(FileUploadHandler):
    """Counts a file's bytes as they arrive and keeps none past CHAT_UPLOAD_MAX_BYTES (the rest
    of the body is read and dropped): without it Django would write a file of any size to a
    temporary file before the view could refuse it. First in the chain, so the handlers after
    it see only what it lets through."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        return None if self.received > self.limit else raw_data

    def file_complete(self, file_size):
        if self.received > self.limit:
            return OversizedFile(name=self.file_name, size=self.received)
        return None  # the next handler's file (in memory, or a temporary file)


@csrf_exempt  # until the size limit is in place; csrf_protect below checks it then
@require_POST
def upload(request, slug):
    request.upload_handlers.insert(
        0, UploadSizeLimit(request, limit=settings.CHAT_UPLOAD_MAX_BYTES)
    )
    return _upload(request, slug)


@csrf_protect
@endpoint
def _upload(request, room):
    created = upload_create(
        uploader=request.user,
        room=room,
        file=request.FILES.get("image"),
        moderator=can_moderate(user=request.user, room=room),
    )
    body = {**image_payload(created), "id": created.key, "content_type": created.content_type}
    body["size"] = created.size
    return JsonResponse({"upload": body}, status=201)


@require_http_methods(["DELETE"])
@endpoint
def upload_delete(request, room, key):
    upload_forget(user=request.user, room=room, key=key)


@require_GET
def picture(request, key, thumbnail=False):
    upload = upload_for_viewer(user=request.user, key=key)
    if upload is None:
        raise Http404
    name = upload.thumbnail if thumbnail else upload.file
    # Private: who may see it can change (let out of a room), so no shared cache keeps it.
    return _picture_response(name, upload.content_type, cache=f"private, max-age={CACHE_SECONDS}")


@require_GET
def avatar_picture(request, user_id, file):
    """A member's picture from their host site (chat/embed/pictures.py): as public as their
    name, and named by its content, so it never changes under its address."""
    match = AVATAR_FILE.fullmatch(file)
    name = f"avatars/{user_id}/{file}"
    if match is None or not default_storage.exists(name):
        raise Http404
    content_type = "image/png" if match["extension"] == "png" else "image/jpeg"
    return _picture_response(name, content_type, cache="public, max-age=31536000, immutable")


def _picture_response(name: str, content_type: str, *, cache: str) -> HttpResponse:
    response = _file_response(name)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PICTURE_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Disposition"] = f'inline; filename="{name.rsplit("/", 1)[-1]}"'
    response["Cache-Control"] = cache
    return response


def _file_response(name: str) -> HttpResponse:
    if prefix := settings.CHAT_UPLOAD_ACCEL_REDIRECT:
        # nginx sends the file from its internal location (deploy/nginx.conf).
        response = HttpResponse()
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + name
        return response
    try:
        default_storage.path(name)
    except NotImplementedError:
        # A remote store (S3): a signed link that expires in minutes.
        return HttpResponseRedirect(default_storage.url(name))
    try:
        return FileResponse(default_storage.open(name, "rb"))
    except FileNotFoundError as error:
        raise Http404 from error
