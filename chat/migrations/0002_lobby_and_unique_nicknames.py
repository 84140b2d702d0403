from django.db import migrations

LOBBY_SLUG = "lobby"


def lobby_create(apps, schema_editor):
    Room = apps.get_model("chat", "Room")
    Room.objects.get_or_create(slug=LOBBY_SLUG, defaults={"title": "Lobby"})


def lobby_delete(apps, schema_editor):
    Room = apps.get_model("chat", "Room")
    Room.objects.filter(slug=LOBBY_SLUG, messages__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(lobby_create, lobby_delete),
        # Nicknames are user names, unique regardless of case ("Alice" blocks "alice").
        # auth_user belongs to django.contrib.auth, so the index is added here by SQL that
        # SQLite and PostgreSQL both understand.
        migrations.RunSQL(
            "CREATE UNIQUE INDEX chat_username_case_insensitive ON auth_user (LOWER(username));",
            "DROP INDEX chat_username_case_insensitive;",
        ),
    ]
