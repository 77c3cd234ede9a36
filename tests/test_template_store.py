"""The template store: the files seed it, each save is a linted version with its author,
note and time, and the latest versions export to a folder the service loads."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from assistant.drafting.library import load_library
from assistant.drafting.store import VERSION_TABLE, TemplateStore
from assistant.drafting.templates import LibraryError, template_files
from assistant.settings import Settings

FILES = Settings().templates_dir


@pytest.fixture
def store(tmp_path):
    store = TemplateStore(f"sqlite:///{tmp_path / 'templates.db'}")
    store.migrate()
    yield store
    store.close()


def test_the_migration_creates_the_schema(store):
    tables = set(inspect(store.engine).get_table_names())
    assert {"template_versions", VERSION_TABLE} <= tables
    store.migrate()  # a second run is a no-op


def test_the_files_seed_the_store_once(store):
    count = len(template_files(FILES, include_orgs=True))  # shared and organisations' own
    assert store.seed(FILES) == count
    assert store.seed(FILES) == 0
    first = store.latest("visit-booking")
    assert first is not None and first.version == 1 and first.topic == "visits" and first.author == "seed from files"


def test_a_save_is_a_new_version_with_who_and_why(store):
    store.seed(FILES)
    source = (FILES / "visits" / "visit-booking.md").read_text(encoding="utf-8")
    edited = source.replace("photo ID card", "photo identity card")
    saved = store.save("visit-booking", "visits", edited, author="dana@example.com", note="clearer wording")
    assert (saved.version, saved.author, saved.note) == (2, "dana@example.com", "clearer wording")
    assert store.save("visit-booking", "visits", edited, author="someone else").version == 2  # unchanged: no version
    history = store.history("visit-booking")
    assert [v.version for v in history] == [2, 1] and history[0].created_at >= history[1].created_at


def test_a_version_that_does_not_lint_is_refused_with_its_line(store):
    store.seed(FILES)
    source = (FILES / "visits" / "visit-booking.md").read_text(encoding="utf-8")
    with pytest.raises(LibraryError, match=r"visit-booking.md:\d+: undeclared variable 'engineer_phone'"):
        store.save(
            "visit-booking",
            "visits",
            source.replace("{{ engineer_name }} will show", "{{ engineer_phone }}"),
            author="dana@example.com",
        )
    assert [v.version for v in store.history("visit-booking")] == [1]


def test_the_latest_versions_export_to_a_loadable_folder(store, tmp_path):
    store.seed(FILES)
    source = (FILES / "general" / "closing-check.md").read_text(encoding="utf-8")
    store.save("closing-check", "general", source.replace("I'm glad we could", "I'm so glad we could"), "dana")
    out = tmp_path / "export"
    assert store.export(out) == len(template_files(FILES, include_orgs=True))
    library = load_library(out)
    template = library.get("closing-check")
    assert template is not None and "I'm so glad we could" in template.source


def test_the_cli_seeds_saves_and_shows_history(tmp_path, monkeypatch, capsys):
    from assistant.cli import main

    monkeypatch.setenv("TACTFUL_TEMPLATES_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["templates", "seed"]) == 0
    edited = tmp_path / "general" / "closing-check.md"
    edited.parent.mkdir()
    edited.write_text((FILES / "general" / "closing-check.md").read_text().replace("glad", "pleased"))
    assert main(["templates", "save", str(edited), "--author", "dana", "--note", "warmer"]) == 0
    assert main(["templates", "history", "closing-check"]) == 0
    out = capsys.readouterr().out
    assert "closing-check: version 2 by dana" in out and "dana  warmer" in out and "seed from files" in out
    assert main(["templates", "save", str(edited)]) == 2  # no author
    edited.write_text(edited.read_text().replace("{% endblock %}", "", 1))
    assert main(["templates", "save", str(edited), "--author", "dana"]) == 2
    assert "closing-check.md:" in capsys.readouterr().err


def test_organisations_versions_stay_apart_and_export_to_their_folder(store, tmp_path):
    source = (FILES / "general" / "closing-check.md").read_text(encoding="utf-8")
    shared = store.save("closing-check", "general", source, "dana")
    own = store.save("closing-check", "general", source.replace("glad", "pleased"), "lee", organisation="strict")
    assert (shared.version, own.version) == (1, 1)
    assert [v.author for v in store.history("closing-check", "strict")] == ["lee"]
    out = tmp_path / "export"
    store.export(out)
    assert "pleased" in (out / "orgs" / "strict" / "general" / "closing-check.md").read_text()
    assert "pleased" not in (out / "general" / "closing-check.md").read_text()
    again = TemplateStore(f"sqlite:///{tmp_path / 'again.db'}")
    again.migrate()
    assert again.seed(out) == 2 and again.latest("closing-check", "strict") is not None
    again.close()
