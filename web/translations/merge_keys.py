"""Add interface strings to both gettext catalogues (web/translations/{en,fr}/LC_MESSAGES/messages.po).

For branches written against the old hand-written table: `python web/translations/merge_keys.py
OLD_MESSAGES.py` reads its `EN` and `FR` dicts and adds every key the catalogues lack (existing
entries are kept as they are). Also usable from Python: `merge({"key": ("English", "Français")})`.
"""
from __future__ import annotations

import ast
import io
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUES = Path(__file__).resolve().parent


def merge(pairs: dict[str, tuple[str, str]], root: Path = CATALOGUES) -> list[str]:
    """Add the keys of `pairs` ({key: (english, french)}) missing from the catalogues; returns them."""
    added: set[str] = set()
    for i, locale in enumerate(("en", "fr")):
        path = root / locale / "LC_MESSAGES" / "messages.po"
        text = path.read_text(encoding="utf-8")
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        for key, texts in pairs.items():
            if key not in catalog:
                catalog.add(key, texts[i])
                added.add(key)
        buf = io.BytesIO()
        write_po(buf, catalog, width=0, sort_output=False, omit_header=True)
        head = text[:text.index('\n\nmsgid "', text.index('msgid ""')) + 2]  # keep the header as written
        path.write_text(head + buf.getvalue().decode("utf-8").lstrip("\n"), encoding="utf-8")
    return sorted(added)


def from_messages_module(path: Path) -> dict[str, tuple[str, str]]:
    """{key: (english, french)} from a legacy web/messages.py (read as data, never imported)."""
    tables = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict):
            target = getattr(node.target if isinstance(node, ast.AnnAssign) else node.targets[0], "id", "")
            if target in ("EN", "FR"):
                tables[target] = ast.literal_eval(node.value)
    en, fr = tables.get("EN", {}), tables.get("FR", {})
    return {key: (text, fr.get(key, text)) for key, text in en.items()}


if __name__ == "__main__":
    print("\n".join(merge(from_messages_module(Path(sys.argv[1])))) or "nothing to add")
