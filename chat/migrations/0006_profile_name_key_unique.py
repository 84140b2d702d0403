from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0005_profile_name_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="profile",
            name="name_key",
            field=models.CharField(
                editable=False, max_length=216, unique=True, verbose_name="name key"
            ),
        ),
    ]
