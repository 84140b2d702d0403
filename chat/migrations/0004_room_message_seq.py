from django.db import migrations, models


def number_existing_messages(apps, schema_editor):
    Room = apps.get_model("chat", "Room")
    Message = apps.get_model("chat", "Message")
    for room in Room.objects.all():
        seq = 0
        for message in Message.objects.filter(room=room).order_by("id").only("id"):
            seq += 1
            Message.objects.filter(pk=message.pk).update(seq=seq)
        Room.objects.filter(pk=room.pk).update(last_seq=seq)


class Migration(migrations.Migration):
    dependencies = [("chat", "0003_profile_source")]

    operations = [
        migrations.AddField(
            model_name="room",
            name="last_seq",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="last message number"),
        ),
        migrations.AddField(
            model_name="message",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="number in room"),
        ),
        migrations.RunPython(number_existing_messages, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="message",
            name="seq",
            field=models.BigIntegerField(editable=False, verbose_name="number in room"),
        ),
        migrations.AddConstraint(
            model_name="message",
            constraint=models.UniqueConstraint(fields=("room", "seq"), name="message_unique_seq_per_room"),
        ),
    ]
