"""Write the reference pages that are derived from code, so they cannot drift:

- docs/error-catalog.md from core/catalog/ and the compiled translations
- docs/settings.md from the settings declarations (gateway fields included)

Run ``make translations`` (the catalog's words come from the compiled ``.mo`` files), then
``.venv/bin/python tools/gen_docs.py``; tests/test_docs.py fails when a page is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def error_catalog() -> str:
    from config import DEFAULTS
    from core.catalog import CATALOG

    languages = DEFAULTS["LANGUAGES"]
    lines = [
        "# Error catalog",
        "",
        "Generated from `core/catalog/` and the translations by `tools/gen_docs.py`. Every",
        "failure a user or admin can meet carries one of these codes; pages and JSON answers show",
        "the message and fix in the reader's language, and logs keep the provider's raw code and",
        "text beside it. The words are gettext messages: translate them in",
        "`translations/<language>/LC_MESSAGES/messages.po`.",
        "",
        "| code | " + " | ".join(languages) + " | "
        + " | ".join(f"fix ({language})" for language in languages) + " |",
        "|---|" + "---|" * 2 * len(languages),
    ]
    for entry in CATALOG.values():
        cells = [entry.message_in(language) for language in languages]
        cells += [entry.fix_in(language) for language in languages]
        lines.append(f"| `{entry.code}` | " + " | ".join(map(_cell, cells)) + " |")
    return "\n".join(lines) + "\n"


def settings_reference() -> str:
    from flask_babel import force_locale

    from app import create_app
    from core.settings.registry import GROUPS, in_group

    app = create_app({"HERALD_ENV": "testing", "DATABASE_URL": "sqlite://",
                      "SECRET_KEY": "docs-generation-only-key-0123456789abcdefgh",
                      "HERALD_ENCRYPTION_KEYS": "0" * 43 + "="})
    lines = [
        "# Settings reference",
        "",
        "Generated from the declarations in `core/settings/` and the gateway modules by",
        "`tools/gen_docs.py`. Change them under System → Global settings (each tab saves as a",
        "whole) or with `flask --app app settings set NAME VALUE`. Secrets are stored encrypted",
        "and never shown; a blank secret field keeps the stored value.",
    ]
    with app.test_request_context(), force_locale("en"):
        for name, group in GROUPS.items():
            settings = in_group(name)
            if not settings:
                continue
            lines += ["", f"## {group.title}", "", str(group.description), "",
                      "| name | kind | default | bounds / choices | meaning |",
                      "|---|---|---|---|---|"]
            for s in settings:
                bounds = _bounds(s)
                kind = "secret" if s.secret else s.kind
                text = "" if s.secret else s.to_text(s.default)
                default = f"`{text}`" if text else ""
                meaning = _cell(s.label) + (f" — {_cell(s.description)}" if s.description else "")
                lines.append(f"| `{s.name}` | {kind} | {default} | {_cell(bounds)} | {meaning} |")
    return "\n".join(lines) + "\n"


def _bounds(setting) -> str:
    if setting.kind in {"int", "float"}:
        low = "" if setting.minimum is None else f"{setting.minimum:g}"
        high = "" if setting.maximum is None else f"{setting.maximum:g}"
        return f"{low} – {high}"
    if setting.kind in {"choice", "list"}:
        return ", ".join(key for key, _label in setting.choice_list())
    return ""


PAGES = {"docs/error-catalog.md": error_catalog, "docs/settings.md": settings_reference}


def main() -> None:
    for path, build in PAGES.items():
        (ROOT / path).write_text(build(), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
