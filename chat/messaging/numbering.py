"""A message's number in its room (1, 2, 3…): taken with the room's row locked, so that numbers
follow commit order and a client that sees 7 after 5 knows it missed 6."""

from contextlib import nullcontext

from django.db import connections, router, transaction

from chat.models import Message, Room


def room_seq_take(*, room: Room) -> int:
    """The next number in the room, in one statement. Call inside a transaction: the room's
    row stays locked until commit, so the next sender waits and numbers follow commit order."""
    connection = connections[router.db_for_write(Room)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Room._meta.db_table} SET last_seq = last_seq + 1 WHERE id = %s "
            "RETURNING last_seq",
            [room.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Room.DoesNotExist()
    return row[0]


def numbered_insert_possible() -> bool:
    """Whether the database takes the number and the insert in one statement: PostgreSQL
    does (a data-modifying WITH); SQLite does not, and gets ``room_seq_take`` in a
    transaction instead."""
    return connections[router.db_for_write(Message)].vendor == "postgresql"


def message_insert_numbered(*, message: Message) -> None:
    """Save the unsaved ``message`` with its room's next number, in one statement that needs
    no transaction of its own (on PostgreSQL: ``numbered_insert_possible``).

    The send path's round trips were BEGIN, UPDATE, INSERT and COMMIT: on a busy machine each
    costs the database thread a millisecond or more, and Channels runs a process's database
    work in one thread (docs/performance.md, round 2). One statement is also atomic: a
    refused insert (a resend's unique ``client_msg_id``) takes no number.

    The columns and values are the ones ``Model.save`` would write (``pre_save`` fills
    ``created``), so a new field needs nothing here."""
    using = router.db_for_write(Message)
    connection = connections[using]
    meta = Message._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    columns, values = [], []
    for field in fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.name == "seq":
            values.append("numbered.last_seq")
        else:
            values.append("%s")
    params = [
        field.get_db_prep_save(field.pre_save(message, add=True), connection=connection)
        for field in fields
        if field.name != "seq"
    ]
    room_table, message_table = (
        connection.ops.quote_name(m._meta.db_table) for m in (Room, Message)
    )
    sql = (
        f"WITH numbered AS (UPDATE {room_table} SET last_seq = last_seq + 1 WHERE id = %s "
        f"RETURNING last_seq) INSERT INTO {message_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM numbered RETURNING id, seq"
    )
    # Inside a caller's transaction (a test's, for one) a failed statement would abort it:
    # a savepoint keeps the resend's IntegrityError recoverable there too.
    inside = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    with inside, connection.cursor() as cursor:
        cursor.execute(sql, [message.room_id, *params])
        row = cursor.fetchone()
    if row is None:
        raise Room.DoesNotExist()
    message.pk, message.seq = row
    message._state.adding, message._state.db = False, using
