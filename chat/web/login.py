"""Logging in by nickname the way nicknames are unique: in any case, or written with letters
that read the same (fullwidth, another script's look-alikes), and counting failed logins for
django-axes under that one name."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from chat.identity import User, login_account_find
from chat.names import name_key


class NicknameBackend(ModelBackend):
    """ModelBackend with the account found by chat.identity.login_account_find.

    Settings list it after axes' backend (locked names are refused before any password is
    checked) and before ModelBackend, which stays for sessions that name it and looks for an
    unknown name only to spend as long on it as on a known one.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = login_account_find(name=username)
        if user is None:
            return None  # ModelBackend, next, finds nobody either and hashes to match time
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        # The account exists and this is not its password: stop here, not check it twice.
        raise PermissionDenied


def login_name_key(request, credentials: dict | None = None) -> str | None:
    """The name django-axes counts failures and locks by (AXES_USERNAME_CALLABLE): the
    look-alike key of the typed name, so "carol" and "CAROL" are one name to the lock-out
    as they are one account. Axes passes the credentials, or only the request."""
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = getattr(request, "POST", {}).get("username")
    if not name:
        return name
    return name_key(name)
