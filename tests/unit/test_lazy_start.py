"""Opening an up-to-date database never imports alembic: the head is read from the revision
files' names (docs/PERFORMANCE.md, "Cold start"). These tests keep that reading true."""

import re
import subprocess
import sys
from pathlib import Path

from antq_desktop.db import engine

ROOT = Path(__file__).resolve().parents[2]


def test_the_head_read_from_the_file_names_is_alembics_head():
    assert engine.head_revision() is not None
    assert engine.head_revision() == engine.script_head()


def test_each_revision_file_is_named_after_its_revision_and_the_chain_is_linear():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(engine.MIGRATIONS))
    assert len(script.get_heads()) == 1  # one line of history, no branches
    revisions = list(script.walk_revisions())  # head first
    files = sorted(p.name for p in (engine.MIGRATIONS / "versions").glob("*.py"))
    assert len(files) == len(revisions)
    for rev in revisions:
        name = Path(rev.path).name
        assert engine.REVISION_FILE.match(name), name
        assert name.startswith(f"{rev.revision}_"), name
    numbers = [int(rev.revision) for rev in reversed(revisions)]
    assert numbers == list(range(1, len(numbers) + 1))
    for rev in revisions:
        expected = None if rev.revision == "0001" else f"{int(rev.revision) - 1:04d}"
        assert rev.down_revision == expected, rev.revision


def _imports_alembic_when_opening(url: str) -> bool:
    code = ("import sys; from antq_desktop.db.engine import open_database; "
            f"db = open_database({url!r}); db.dispose(); print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip() == "True"


def test_an_up_to_date_database_opens_without_alembic_an_old_one_upgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert _imports_alembic_when_opening(url)  # new: created by the migrations
    assert _imports_alembic_when_opening(url) is False  # at the head: alembic never loaded
    import sqlite3

    con = sqlite3.connect(tmp_path / "a.db")
    assert con.execute("select version_num from alembic_version").fetchone() == (
        engine.head_revision(),)
    con.execute("update alembic_version set version_num = '9999'")  # a newer program's file
    con.commit()
    con.close()
    try:
        engine.open_database(url)
    except engine.DatabaseOpenError as exc:
        assert "mới hơn" in str(exc) and "9999" in str(exc)
    else:
        raise AssertionError("a newer revision must be refused")


def test_revision_file_pattern():
    assert engine.REVISION_FILE.match("0015_household_search_trigram.py")
    assert not engine.REVISION_FILE.match("__init__.py")
    assert not re.match(engine.REVISION_FILE, "0015_x.pyc")
