"""Reference pages derived from code stay true to it."""

from pathlib import Path

import pytest

from tools import gen_docs

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path", sorted(gen_docs.PAGES))
def test_generated_page_is_current(path):
    assert (ROOT / path).read_text(encoding="utf-8") == gen_docs.PAGES[path](), \
        f"{path} is stale: run .venv/bin/python tools/gen_docs.py"


def test_readme_names_every_configuration_variable():
    import config

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in config.ENVIRONMENT:
        assert f"`{name}`" in readme, name


def test_readme_names_every_command_group(app):
    """Herald's own command groups (not Flask's or its extensions')."""
    from flask import Flask

    from app import register_commands

    bare = Flask("bare")
    register_commands(bare)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    groups = sorted(bare.cli.commands)
    assert len(groups) == 7  # six groups and the ``worker`` command
    assert [name for name in groups if f"flask --app app {name} " not in readme] == []


def test_readme_names_every_periodic_task_the_worker_runs(app):
    """Cron is gone for these: the README says what the worker runs instead."""
    from extensions import queue

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert queue._periodic, "no periodic task registered"
    assert [name for name in queue._periodic if f"`{name}`" not in readme] == []
