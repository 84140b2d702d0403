"""What an upload can be refused for (docs/images.md lists the codes)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chat.errors import ChatError, RateLimited


class ImageMissing(ChatError):
    code = "image_missing"
    detail = gettext_lazy("Choose a picture to upload.")


class ImageInvalid(ChatError):
    code = "image_invalid"
    detail = gettext_lazy(
        "That file is not a picture we can show. Send a JPEG, PNG, GIF or WebP image."
    )


class ImageTooLarge(ChatError):
    code = "image_too_large"


class ImageTooManyPixels(ChatError):
    code = "image_too_many_pixels"


class ImagesNotAllowed(ChatError):
    code = "images_not_allowed"
    detail = gettext_lazy(
        "Guests can't share pictures in this room. Create an account to share them."
    )


class UploadNotFound(ChatError):
    code = "upload_not_found"
    detail = gettext_lazy("That picture is not there any more. Attach it again.")


class UploadQuota(RateLimited):
    """Over CHAT_UPLOAD_DAILY_BYTES: the wait is hours, so it is said in words."""

    code = "upload_quota"

    def __init__(self, retry_after: float):
        self.retry_after = round(retry_after, 1)
        wait = timeuntil(timezone.now() + timedelta(seconds=max(60.0, retry_after)))
        ChatError.__init__(
            self,
            _("You have shared all the pictures you may in a day. You can share more in %(wait)s.")
            % {"wait": wait},
        )
