"""Fill the zh_CN catalog from JSON files of {English msgid: Chinese msgstr}.

``make i18n`` re-extracts the messages and then runs this over ``translations/pending/*.json``,
so new UI text can be translated in a plain JSON file beside the work and merged into
``messages.po``; it prints every message still lacking a translation.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def main(paths: list[str]) -> int:
    files = [Path(p) for p in paths] or sorted((ROOT / "translations" / "pending").glob("*.json"))
    mapping: dict[str, str] = {}
    for path in files:
        mapping.update(json.loads(path.read_text(encoding="utf-8")))
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    for message in catalog:
        if message.id and message.id in mapping:
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
    with open(CATALOG, "wb") as handle:
        write_po(handle, catalog, width=100)
    missing = [m.id for m in catalog if m.id and not m.string]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
