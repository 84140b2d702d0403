"""A host site's picture of its member (the token's ``avatar`` URL), worn in the chat.

Pages here load images from this site only (the Content-Security-Policy), and a link to the
host would tell it who reads which room; so the picture is fetched once, when the token
names a new one, and kept here: decoded and written anew like every picture
(chat/uploads/processing.py), a square of 128 pixels. Only from the integration's own
origins, the pages its owner listed: the chat's server asks no other address, so a token
cannot make it fetch from the network it stands in (no redirects either). A picture that
cannot be had leaves the member with the avatar they wore.
"""

import hashlib
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from chat.errors import ChatError
from chat.models import Integration
from chat.models.integrations import origin_normalize
from chat.uploads.processing import avatar_process
from chat.uploads.removal import upload_files_delete

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 3
FETCH_MAX_BYTES = 2 * 1024 * 1024


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is the answer: no other address is asked


_opener = urllib.request.build_opener(_NoRedirects)


def host_picture_allowed(*, url: str, integration: Integration) -> bool:
    """Whether ``url`` is on one of the integration's own origins."""
    parts = urlsplit(url)
    try:
        origin = origin_normalize(f"{parts.scheme}://{parts.netloc}")
    except ValidationError:
        return False
    return origin in integration.origins


def host_picture_fetch(*, url: str) -> bytes | None:
    """The bytes at ``url``, at most FETCH_MAX_BYTES within FETCH_TIMEOUT_SECONDS; None if
    it answers anything but 200 or sends more."""
    request = urllib.request.Request(url, headers={"User-Agent": "chat-avatar-fetch"})
    try:
        with _opener.open(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            if response.status != 200:
                return None
            data = response.read(FETCH_MAX_BYTES + 1)
    except (OSError, urllib.error.URLError, ValueError):
        return None
    return None if len(data) > FETCH_MAX_BYTES else data


def member_picture_set(*, user, url: str, integration: Integration) -> bool:
    """Wear the picture at ``url``: fetched, processed and stored; the one worn before is
    deleted. False (and nothing changed) when it cannot be had."""
    if not host_picture_allowed(url=url, integration=integration):
        logger.info("host picture not on the integration's origins user=%s", user.pk)
        return False
    data = host_picture_fetch(url=url)
    if data is None:
        return False
    try:
        processed = avatar_process(data=data, max_pixels=settings.CHAT_UPLOAD_MAX_PIXELS)
    except ChatError:
        return False
    encoded = processed.picture.data
    digest = hashlib.sha256(encoded).hexdigest()[:20]
    name = f"avatars/{user.pk}/{digest}.{processed.extension}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(encoded))
    member_picture_clear(user=user, keep=name)
    user.profile.picture = name
    user.profile.save(update_fields=["picture"])
    return True


def member_picture_clear(*, user, keep: str = "") -> None:
    """Stop wearing a picture of one's own (a token names a shipped avatar, or a new one)."""
    old = user.profile.picture
    if old and old != keep:
        upload_files_delete(names=[old])
    if not keep and old:
        user.profile.picture = ""
        user.profile.save(update_fields=["picture"])
