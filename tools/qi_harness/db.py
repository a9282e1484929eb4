"""Throw-away databases: a unique name and a data dir, dropped together whatever happens.

bin/qi-test, bin/qi-i18n, bin/qi-odoo-tests and bin/qi-benchmark each install
the suite in a database of their own and drop it at the end with its data dir
(Odoo's filestore and sessions, the install log). From bash::

    read -r DB DATA_DIR <<<"$(python3 -m qi_harness.db new qi_test)"
    trap 'python3 -m qi_harness.db drop "$DB" --data-dir "$DATA_DIR"' EXIT

``new PREFIX`` prints ``PREFIX_<time>_<pid>_<n>`` and a new data dir;
``drop NAME [--data-dir DIR]`` runs ``DROP DATABASE ... WITH (FORCE)`` (closing
whatever is still connected) and removes the data dir even when the drop fails,
then exits 1 if it failed. From Python: ``new()`` and ``Throwaway.dispose()``.

Only a data dir made by ``new`` (it holds the MARKER file) is removed whole;
of any other, only the database's filestore (``DIR/filestore/NAME``).
PGHOST (default 127.0.0.1), PGPORT (5432), PGUSER and PGPASSWORD are honoured.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass

MARKER = ".qi-throwaway"


def connect(dbname="postgres"):
    """An autocommit connection, as PG* say, PGHOST defaulting to 127.0.0.1."""
    import psycopg2

    conn = psycopg2.connect(
        dbname=dbname, host=os.environ.get("PGHOST", "127.0.0.1"), port=os.environ.get("PGPORT", "5432")
    )
    conn.autocommit = True
    return conn


def unique_name(prefix):
    """``prefix_<time>_<pid>_<n>``: unique between runs that start in the same second."""
    return f"{prefix}_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}_{random.randrange(32768)}"


@dataclass
class Throwaway:
    """A database of one run and its data dir."""

    name: str
    data_dir: str
    owned: bool = True  # False: a database the caller was given (--reuse), never dropped

    def dispose(self):
        """Drop the database (when owned) and remove the data dir, whatever happens.
        Raises the drop's error, once the data dir is gone."""
        if "odoo.sql_db" in sys.modules:  # this process's own pooled connections first
            try:
                sys.modules["odoo.sql_db"].close_all()
            except Exception:
                pass  # the drop below closes them anyway (FORCE)
        drop(self.name if self.owned else None, self.data_dir)


def new(prefix, reuse=None):
    """A Throwaway: a new unique database name (or ``reuse``, which is never
    dropped) and a new data dir. Nothing is created in PostgreSQL: Odoo creates
    the database at its first ``-i``."""
    data_dir = tempfile.mkdtemp(prefix=prefix.replace("_", "-") + "-data.")
    with open(os.path.join(data_dir, MARKER), "w") as f:
        f.write(f"{reuse or ''}\n")
    if reuse:
        return Throwaway(reuse, data_dir, owned=False)
    return Throwaway(unique_name(prefix), data_dir)


def drop(name, data_dir=None):
    """``DROP DATABASE name WITH (FORCE)`` (when ``name``), then remove ``data_dir``
    (a throw-away one whole, any other only its filestore of ``name``) even if
    the drop failed."""
    try:
        if name:
            from psycopg2 import sql

            conn = connect()
            try:
                with conn.cursor() as cr:
                    cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            finally:
                conn.close()
    finally:
        if data_dir and os.path.isfile(os.path.join(data_dir, MARKER)):
            shutil.rmtree(data_dir, ignore_errors=True)
        elif data_dir and name:
            shutil.rmtree(os.path.join(data_dir, "filestore", name), ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m qi_harness.db", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("new", help="print a unique database name and a new data dir")
    make.add_argument("prefix")
    remove = commands.add_parser("drop", help="drop a database and remove its data dir")
    remove.add_argument("name")
    remove.add_argument("--data-dir")
    args = parser.parse_args(argv)
    if args.command == "new":
        db = new(args.prefix)
        print(db.name, db.data_dir)
        return 0
    try:
        drop(args.name, args.data_dir)
    except Exception as exc:
        print(f"qi_harness.db: could not drop database {args.name}: {exc}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
