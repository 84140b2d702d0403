"""The site's own name (CHAT_SITE_NAME), as the pages, the admin and e-mails show it."""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

# The default's words, here for the catalogs: the reader sees them translated.
DEFAULT_SITE_NAME = gettext_noop("Chat room")


def site_name() -> str:
    """CHAT_SITE_NAME in the reader's language: the default is translated (聊天室); a name
    of the operator's own is shown as written, unless the catalogs happen to know it."""
    return gettext(settings.CHAT_SITE_NAME or DEFAULT_SITE_NAME)


def admin_title() -> str:
    """The admin's header and title: "Chat room administration"."""
    return gettext("%(site)s administration") % {"site": site_name()}


site_name_lazy = lazy(site_name, str)
admin_title_lazy = lazy(admin_title, str)
