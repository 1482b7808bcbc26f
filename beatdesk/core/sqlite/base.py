"""Django's SQLite backend, with writers from several processes taking turns promptly.

Every transaction on SQLite begins ``IMMEDIATE`` (settings), so it holds the database's one
write lock from ``BEGIN`` to ``COMMIT``. A connection that finds the lock taken waits in
SQLite's busy handler, which sleeps in growing steps (1, 2, 5, 10 ... up to 100 ms) whatever
the holder is doing: when two processes write at once (the web server and the worker, two
ingesting processes) a transaction that holds the lock for 3 ms keeps the other waiting 25 ms
or more, and half the time goes to sleeping.

So before ``BEGIN`` a connection takes an advisory lock on a file next to the database
(``<database>.writer``), checking every half millisecond, and lets it go when its transaction
ends: a waiting writer starts within about a millisecond of the last one finishing. The file
lock only orders writers; SQLite's own lock is still what keeps the data safe, so a writer that
cannot have the file lock within the busy timeout goes ahead without it and SQLite decides as
before. In-memory databases (the test suite's) have one connection per process and no file.
"""

from __future__ import annotations

import fcntl
import os
import time

from django.db.backends.sqlite3 import base

# As long as SQLite's own busy timeout (settings: PRAGMA busy_timeout=5000).
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.0005


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_pid = 0
    _writer_held = False

    def _writer_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writer"

    def _writer_acquire(self) -> None:
        # A descriptor inherited through fork shares its lock with the parent's: open our own.
        if self._writer_fd is None or self._writer_pid != os.getpid():
            path = self._writer_path()
            if path is None:
                return
            if self._writer_fd is not None:
                os.close(self._writer_fd)  # never unlocked here: that would free the parent's
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._writer_pid = os.getpid()
            self._writer_held = False
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                fcntl.flock(self._writer_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's busy timeout decides from here.
                time.sleep(POLL_SECONDS)
                continue
            self._writer_held = True
            return

    def _writer_release(self) -> None:
        if self._writer_held:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._writer_acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_release()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._writer_release()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_release()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writer_release()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
