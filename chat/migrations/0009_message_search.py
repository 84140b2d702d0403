"""Search (chat/search.py): on PostgreSQL, a GIN index over the character pairs of each
message's lower-cased body, and each single character from U+2E80 on (CJK, kana, hangul).

Why pairs, not pg_trgm's trigrams: a trigram index cannot help a two-character query, and
most Chinese words are two characters ("世界"); pg_trgm also splits words by the database's
LC_CTYPE, so under a "C" locale it drops Chinese altogether. Pairs need neither an extension
nor a locale. The query asks ``chat_search_grams(body) @> chat_search_query_grams(query)``
and then ``body ILIKE``, which lower-cases as these functions do.

Built CONCURRENTLY (so not in a transaction): sends go on while a big table is indexed.
Nothing happens on other databases (SQLite): search there scans with icontains.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION chat_search_grams(body text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  grams text[] := '{}';
  previous text;
  ch text;
BEGIN
  FOREACH ch IN ARRAY string_to_array(lower(body), NULL) LOOP
    IF previous IS NOT NULL THEN
      grams := grams || (previous || ch);
    END IF;
    IF ascii(ch) >= 11904 THEN  -- U+2E80: one character is a word (chat/search.py)
      grams := grams || ch;
    END IF;
    previous := ch;
  END LOOP;
  RETURN ARRAY(SELECT DISTINCT unnest(grams));
END
$$
"""
# What a query asks of the index: its pairs; a query of one character, that character.
# (The pairs imply the single characters, and asking for a common one costs time.)
QUERY_FUNCTION = r"""
CREATE OR REPLACE FUNCTION chat_search_query_grams(query text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN char_length(query) < 2 THEN chat_search_grams(query)
    ELSE ARRAY(SELECT gram FROM unnest(chat_search_grams(query)) AS gram
               WHERE char_length(gram) = 2)
  END
$$
"""
INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS message_body_search "
    "ON chat_message USING gin (chat_search_grams(body))"
)
DROP_INDEX = "DROP INDEX CONCURRENTLY IF EXISTS message_body_search"
DROP_FUNCTIONS = (
    "DROP FUNCTION IF EXISTS chat_search_query_grams(text)",
    "DROP FUNCTION IF EXISTS chat_search_grams(text)",
)


def _on_postgresql(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("chat", "0008_message_edits_reactions_mentions")]

    operations = [
        migrations.RunPython(
            _on_postgresql(FUNCTION, QUERY_FUNCTION, INDEX),
            _on_postgresql(DROP_INDEX, *DROP_FUNCTIONS),
            elidable=False,
        ),
    ]
