"""What every page's template may use (settings.TEMPLATES' context processors)."""

from chat.site import site_name_lazy


def site(request) -> dict:
    """``site_name``: CHAT_SITE_NAME in the reader's language (base.html's brand and title)."""
    return {"site_name": site_name_lazy()}
