from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from chat.broadcast import user_sockets_close
from chat.identity import NEW_PROFILE
from chat.models import Profile, Sanction, Upload
from chat.moderation.devices import BROWSER_COOKIE, browser_from_cookie, device_seen
from chat.moderation.sanctions import sanction_saved_announce
from chat.uploads.removal import upload_files_delete


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def profile_for_new_user(sender, instance, created, raw=False, **kwargs):
    """Every user has a profile, including those made by createsuperuser or the admin. One
    made by chat/identity.py carries what its profile holds (``NEW_PROFILE``): one INSERT, in
    the user's transaction, instead of a profile made and then changed."""
    if created and not raw:
        fields = getattr(instance, NEW_PROFILE, None) or {"is_guest": False}
        instance.profile = Profile.objects.create(user=instance, **fields)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def name_key_on_rename(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """A renamed user takes the new name's look-alike key (Profile.name_key)."""
    if created or raw or (update_fields is not None and "username" not in update_fields):
        return
    profile, _made = Profile.objects.get_or_create(user=instance, defaults={"is_guest": False})
    profile.user = instance
    if profile.name_key_stale():
        profile.save(update_fields=["name_key"])


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def sockets_close_on_deactivation(sender, instance, created, raw=False, **kwargs):
    """Unticking "Active" (the admin) ends the user's chat at once, on every process; their
    session no longer authenticates, so they stay out. After commit: a socket reconnecting
    sooner would still find the user active."""
    if not created and not raw and not instance.is_active:
        user_id = instance.pk
        transaction.on_commit(lambda: user_sockets_close(user_id=user_id))


@receiver(user_logged_out)
def sockets_close_on_logout(sender, request, user, **kwargs):
    """Logging out ends the user's chat connections too, on every server process."""
    if user is not None:
        user_sockets_close(user_id=user.pk)


@receiver(post_save, sender=Sanction)
def sanction_takes_effect(sender, instance, raw=False, **kwargs):
    """A mute or ban, given in the page or the admin, reaches the user's open pages on every
    process (a ban closes them); lifting a mute re-opens their composer."""
    if not raw:
        sanction_saved_announce(sanction=instance)


@receiver(post_delete, sender=Sanction)
def sanction_gone(sender, instance, **kwargs):
    """A mute deleted outright (the admin's Delete) ends like a lifted one: the user's
    composer opens again. A deleted ban has nothing open to tell."""
    if instance.kind == Sanction.MUTE and instance.is_active:
        instance.lifted_at = instance.lifted_at or timezone.now()
        sanction_saved_announce(sanction=instance)


@receiver(post_delete, sender=Upload)
def upload_gone(sender, instance, **kwargs):
    """However a picture's row goes (its message deleted or purged, its room or uploader
    deleted in the admin, pruned), its files go once that has committed."""
    names = [instance.file, instance.thumbnail]
    transaction.on_commit(lambda: upload_files_delete(names=names))


@receiver(user_logged_in)
def device_on_login(sender, request, user, **kwargs):
    """Where a user logs in is where a ban on them holds their browser and address."""
    browser = getattr(request, "chat_browser", None) or browser_from_cookie(
        request.COOKIES.get(BROWSER_COOKIE)
    )
    device_seen(user=user, browser=browser, address=request.META.get("REMOTE_ADDR"))
