"""Fill the English catalog: msgids are English, so each msgstr is its msgid.

Keeping a complete en catalog (rather than relying on the msgid fallback) lets the
catalog-completeness test treat both languages the same way.
"""

import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> None:
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):  # a plural: (singular, plural), as English has
            if not all(message.string):
                message.string = message.id
        elif not message.string:
            message.string = message.id
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


if __name__ == "__main__":
    main(sys.argv[1])
