"""Nicknames become unique by look (chat/names.py): Profile.name_key, filled for every user.

Users made before this may already hold names that look alike ("admin" and "аdmin" in
Cyrillic). The earliest user keeps the plain key; each later one keeps its name and
login but gets the key with a number after names.COLLISION_MARK, so the unique index can
be built. Such names stay as they are; new look-alikes of them are refused.
Users without a profile (loaddata skips the signal that makes one) get one here.
The unique constraint comes in 0006: on PostgreSQL a table whose rows were just written
here cannot be altered in the same transaction.
"""

from django.conf import settings
from django.db import migrations, models

from chat.names import COLLISION_MARK, name_key


def name_keys_fill(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Profile = apps.get_model("chat", "Profile")
    for user in User.objects.filter(profile__isnull=True).iterator():
        Profile.objects.create(user=user, is_guest=False)
    taken = set()
    profiles = Profile.objects.select_related("user").order_by("user__date_joined", "user_id")
    for profile in profiles.iterator():
        key = base = name_key(profile.user.username)
        number = 1
        while key in taken:
            number += 1
            key = f"{base}{COLLISION_MARK}{number}"
        taken.add(key)
        profile.name_key = key
        profile.save(update_fields=["name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0004_room_message_seq"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="name_key",
            field=models.CharField(max_length=216, null=True, verbose_name="name key"),
        ),
        migrations.RunPython(name_keys_fill, migrations.RunPython.noop),
    ]
