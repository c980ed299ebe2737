from pathlib import Path

from django.conf import settings


def test_the_stylesheet_has_balanced_braces():
    # A lost "}" after a merge silently disables every rule below it.
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    depth = 0
    for line_number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"unexpected }} at line {line_number}"
        if line.startswith("/*"):
            assert depth == 0, f"section comment inside an open block at line {line_number}"
    assert depth == 0
