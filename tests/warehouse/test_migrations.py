from warehouse import migrations
from warehouse.errors import SchemaTooNewError
from warehouse.storage.connection import connect


def test_new_database_is_migrated_to_newest_version(db_path):
    with connect(db_path) as con:
        version = migrations.current_version(con)
    assert version == migrations.available()[-1][0]


def test_database_from_newer_release_is_refused_with_a_clear_message(db_path):
    with connect(db_path) as con:
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    migrations_module_cache = __import__(
        "warehouse.storage.connection", fromlist=["_migrated"]
    )._migrated
    migrations_module_cache.clear()
    try:
        with connect(db_path):
            raise AssertionError("opening a newer database must fail")
    except SchemaTooNewError as error:
        assert "999" in str(error) and "Upgrade" in str(error)


def test_older_database_is_upgraded_in_place(db_path):
    import duckdb

    first = migrations.available()[0]
    con = duckdb.connect(str(db_path))
    migrations.current_version(con)
    con.execute(first[2])
    con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [first[0], first[1]])
    con.close()
    with connect(db_path) as con:
        assert migrations.migrate(con) == migrations.available()[-1][0]
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert {"conversations", "messages", "quarantine", "imports", "conversation_scores"} <= tables


def test_a_lower_numbered_migration_shipped_later_is_still_applied(db_path):
    """Branches get migration numbers in advance: a database already at 011 still gets 009."""
    with connect(db_path) as con:
        con.execute("DROP TABLE review_drafts")
        con.execute("DELETE FROM schema_migrations WHERE version = 9")
        assert migrations.migrate(con) == migrations.available()[-1][0]
        assert con.execute("SELECT count(*) FROM review_drafts").fetchall() == [(0,)]
        assert [9] == [
            r[0]
            for r in con.execute(
                "SELECT version FROM schema_migrations WHERE version = 9"
            ).fetchall()
        ]
