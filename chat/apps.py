from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Chat")

    def ready(self):
        from django.conf import settings
        from PIL import Image

        from chat import signals  # noqa: F401

        # Pillow's own decompression-bomb check, at the cap uploads are held to
        # (chat/uploads/processing.py checks it too, before decoding).
        Image.MAX_IMAGE_PIXELS = settings.CHAT_UPLOAD_MAX_PIXELS
