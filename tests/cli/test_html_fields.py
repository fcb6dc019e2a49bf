"""HTML wherever it comes: a JSONL field holding a page goes through the HTML path, and pages
give their title, canonical URL, language, date and author to metadata."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import corpusclean

PAGE = """<!DOCTYPE html><html lang="fr"><head><title>Le marché rouvre</title>
<link rel="canonical" href="https://exemple.org/marche">
<meta property="article:published_time" content="2024-05-03T08:00:00Z">
<meta name="author" content="Claire Dubois"></head>
<body><nav><a href="/">Accueil</a> <a href="/sport">Sport</a></nav>
<article><h1>Le marché rouvre</h1><p>Le marché couvert de la ville rouvre ses portes samedi après deux
ans de travaux, avec quarante étals de producteurs locaux.</p></article></body></html>"""


def test_html_in_a_jsonl_field_is_read_as_a_page(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    plain = "Use <b> for bold; the <p> tag starts a paragraph in a page of text about markup."
    (d / "rows.jsonl").write_text(json.dumps({"id": "p", "text": PAGE}) + "\n"
                                  + json.dumps({"id": "t", "text": plain}) + "\n")
    for fmt in ("auto", "text"):
        run = corpusclean("clean", str(d), "-o", str(tmp_path / fmt), "-q", "--text-format", fmt)
        assert run.returncode == 0, run.stderr
    auto = {r["id"]: r for r in map(json.loads, (tmp_path / "auto" / "documents.jsonl").read_text().splitlines())}
    assert "<" not in auto["p"]["text"] and "quarante étals" in auto["p"]["text"]
    assert auto["p"]["metadata"]["text_format"] == "html"
    assert auto["p"]["metadata"]["page"] == {"title": "Le marché rouvre", "url": "https://exemple.org/marche",
                                             "language": "fr", "date": "2024-05-03T08:00:00Z",
                                             "author": "Claire Dubois"}
    assert "dom" not in auto["p"]["metadata"]
    assert auto["t"]["text"] == plain and "text_format" not in auto["t"]["metadata"]
    as_text = [json.loads(x) for x in (tmp_path / "text" / "documents.jsonl").read_text().splitlines()]
    assert "<article>" in as_text[0]["text"]


def test_html_files_carry_their_page_metadata(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "marche.html").write_text(PAGE)
    assert corpusclean("clean", str(d), "-o", str(tmp_path / "out"), "-q").returncode == 0
    [rec] = [json.loads(x) for x in (tmp_path / "out" / "documents.jsonl").read_text().splitlines()]
    assert rec["metadata"]["page"]["title"] == "Le marché rouvre"
    assert rec["metadata"]["page"]["author"] == "Claire Dubois"
