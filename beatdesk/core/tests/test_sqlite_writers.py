"""The SQLite backend queues writers from several connections on a file lock (core/sqlite)."""

import fcntl
import os
import threading

import pytest
from django.db.utils import ConnectionHandler


def wrapper(name: str):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "beatdesk.core.sqlite",
                "NAME": name,
                "OPTIONS": {
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
                    "transaction_mode": "IMMEDIATE",
                },
            }
        }
    )
    conn = handler["default"]
    conn.ensure_connection()
    return conn


def lock_is_free(path) -> bool:
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


@pytest.fixture(autouse=True)
def own_connections(django_db_blocker):
    """These tests open their own connections to their own files, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path):
    name = str(tmp_path / "writers.sqlite3")
    setup = wrapper(name)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, who TEXT)")
    setup.close()
    return name


def test_a_transaction_holds_the_writer_lock_until_commit_or_rollback(database):
    conn = wrapper(database)
    lock = database + ".writer"
    conn._start_transaction_under_autocommit()
    assert not lock_is_free(lock)
    with conn.cursor() as cursor:
        cursor.execute("INSERT INTO events (who) VALUES ('a')")
    conn.commit()
    assert lock_is_free(lock)

    conn._start_transaction_under_autocommit()
    assert not lock_is_free(lock)
    conn.rollback()
    assert lock_is_free(lock)

    conn._start_transaction_under_autocommit()
    conn.close()  # a connection closed mid-transaction lets the lock go too
    assert lock_is_free(lock)


def test_a_second_writer_waits_for_the_first_then_goes_ahead(database):
    first = wrapper(database)
    first._start_transaction_under_autocommit()
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO events (who) VALUES ('first')")
    started = threading.Event()
    written = threading.Event()

    def write_second():
        second = wrapper(database)
        started.set()
        second._start_transaction_under_autocommit()
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO events (who) VALUES ('second')")
        second.commit()
        second.close()
        written.set()

    thread = threading.Thread(target=write_second)
    thread.start()
    started.wait()
    # The second writer is queued behind the first, not failing and not writing.
    assert not written.wait(0.2)
    first.commit()
    assert written.wait(5)
    thread.join()
    with first.cursor() as cursor:
        cursor.execute("SELECT who FROM events ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    first.close()


def test_an_in_memory_database_needs_no_lock_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    conn = wrapper(":memory:")
    conn._start_transaction_under_autocommit()
    conn.rollback()
    assert list(tmp_path.iterdir()) == []


def test_settings_use_this_backend_for_sqlite():
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        assert settings.DATABASES["default"]["ENGINE"] == "beatdesk.core.sqlite"


def test_a_forked_process_queues_on_its_own_lock_not_its_parents(database):
    import multiprocessing

    conn = wrapper(database)
    conn._start_transaction_under_autocommit()
    conn.rollback()  # the descriptor is open, and the lock free

    def child(queue):
        # The child's copy of the connection must not share the parent's lock.
        conn._writer_acquire()
        queue.put(conn._writer_held)
        conn._writer_release()

    conn._writer_acquire()  # the parent holds the lock
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(target=child, args=(queue,))
    import beatdesk.core.sqlite.base as backend

    backend.WAIT_SECONDS, saved = 0.2, backend.WAIT_SECONDS
    try:
        process.start()
        held_in_child = queue.get(timeout=10)
        process.join(10)
    finally:
        backend.WAIT_SECONDS = saved
    # It waited for the parent's lock and gave up (SQLite would decide from there).
    assert held_in_child is False
    assert not lock_is_free(database + ".writer")
    conn._writer_release()
    assert lock_is_free(database + ".writer")
    conn.close()
