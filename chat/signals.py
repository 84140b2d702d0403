from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from chat.broadcast import user_sockets_close
from chat.models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def profile_for_new_user(sender, instance, created, raw=False, **kwargs):
    """Every user has a profile, including those made by createsuperuser or the admin."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance, defaults={"is_guest": False})


@receiver(user_logged_out)
def sockets_close_on_logout(sender, request, user, **kwargs):
    """Logging out ends the user's chat connections too, on every server process."""
    if user is not None:
        user_sockets_close(user_id=user.pk)
