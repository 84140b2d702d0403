"""Migration 0009: on PostgreSQL the search index and its function, which the search's own
query uses; on SQLite nothing at all."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from chat.models import Message, Room
from chat.search import messages_search
from tests.factories import MessageFactory, RoomFactory, UserFactory

BEFORE = [("chat", "0008_message_edits_reactions_mentions")]
SEARCH = [("chat", "0009_message_search")]

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the index is PostgreSQL's"
)


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture
def migrated_back_and_forth(transactional_db):
    """0009 undone, for the test to look; the newest schema again afterwards."""
    yield lambda targets: _migrate(targets)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _index_definition() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'chat_message' "
            "AND indexname = 'message_body_search'"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _function_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_proc "
            "WHERE proname IN ('chat_search_grams', 'chat_search_query_grams')"
        )
        return cursor.fetchone()[0] == 2


@postgresql_only
def test_the_index_is_there_and_goes_with_the_migration(migrated_back_and_forth):
    definition = _index_definition()
    assert definition is not None
    assert "USING gin (chat_search_grams(body))" in definition
    assert _function_exists()

    migrated_back_and_forth(BEFORE)
    assert _index_definition() is None
    assert not _function_exists()

    migrated_back_and_forth(SEARCH)
    assert "gin" in _index_definition()


@postgresql_only
def test_the_functions_give_lower_cased_pairs_and_single_wide_characters(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT chat_search_grams(%s)", ["Hi 世界"])
        (grams,) = cursor.fetchone()
    assert sorted(grams) == sorted(["hi", "i ", " 世", "世界", "世", "界"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT chat_search_query_grams(%s), chat_search_query_grams(%s)", ["Hi 世界", "世"]
        )
        pairs, single = cursor.fetchone()
    assert (sorted(pairs), single) == (sorted(["hi", "i ", " 世", "世界"]), ["世"])


FILLER_ROWS = 5000


@postgresql_only
@pytest.mark.parametrize("query", ["server", "世界", "好世界", "世"])
def test_the_planner_takes_the_index_for_english_and_chinese(db, query):
    """English, and two, three and one Chinese characters, among thousands of messages."""
    room = RoomFactory()
    viewer = UserFactory()
    Message.objects.bulk_create(
        Message(room=room, author=viewer, seq=n, body=f"filler {n} 天天向上，好好学习")
        for n in range(1, FILLER_ROWS + 1)
    )
    Room.objects.filter(pk=room.pk).update(last_seq=FILLER_ROWS)
    with connection.cursor() as cursor:
        # As autovacuum leaves it: the index's pending list merged, statistics fresh.
        cursor.execute("SELECT gin_clean_pending_list('message_body_search')")
        cursor.execute("ANALYZE chat_message")
    MessageFactory(room=room, body="你好世界 server")
    with CaptureQueriesContext(connection) as context:
        hits = messages_search(viewer=viewer, query=query, room=room).hits
    assert [hit.message.body for hit in hits] == ["你好世界 server"]
    (search_sql,) = [q["sql"] for q in context.captured_queries if "chat_search_grams" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {search_sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on message_body_search" in plan, plan


def _schema() -> list[tuple]:
    """What the migration must leave alone: on SQLite every table, index and trigger; on
    PostgreSQL every table's columns (its index and functions are looked at above)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name")
        else:
            cursor.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() ORDER BY table_name, column_name"
            )
        return cursor.fetchall()


def test_the_migration_changes_no_table_and_on_sqlite_nothing(migrated_back_and_forth):
    migrated_back_and_forth(SEARCH)  # later migrations undone: only 0009 is compared
    with_search = _schema()

    migrated_back_and_forth(BEFORE)
    assert _schema() == with_search

    migrated_back_and_forth(SEARCH)
    assert _schema() == with_search
