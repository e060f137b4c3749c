"""web.charts: the SVG bars keep long, hostile labels inside the chart and escaped."""
from __future__ import annotations

import re

from web import charts


def test_a_long_speaker_name_is_shortened_with_an_ellipsis_and_kept_whole_in_its_tooltip():
    name = "Union representative Tom Haley of the Dunmore workers"
    svg = str(charts.bar_counts([(name, 3), ("Olsen", 1)], title="Who is quoted"))
    shown = re.findall(r"</title>([^<]*)</text>", svg)
    assert shown[0] == "Union representative Tom…" and len(shown[0]) <= charts.LABEL_CHARS
    assert shown[1] == "Olsen"
    assert f"<title>{name}</title>" in svg  # the whole name on hover


def test_a_label_is_escaped_both_where_shown_and_in_its_tooltip():
    svg = str(charts.bar_counts([('<script>alert("x")</script>', 1)]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
