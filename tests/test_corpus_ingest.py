"""Ingest: every format and encoding, bad inputs reported by file and line, nothing lost or doubled."""
from __future__ import annotations

import codecs
import json
import shutil

import pytest

from corpus import store
from corpus.ingest import ingest
from tests.conftest import DEMO_DIR

FR = "Le ministère de l’intérieur utilise un logiciel. La CNIL n’a pas été informée.\n"
EN = "The police have used the software since 2015. Nobody told the regulator about it.\n"


def stored_texts(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT text FROM articles ORDER BY rowid")]


def errors_of(report) -> list[str]:
    return [str(e) for e in report.errors]


def test_text_file_is_stored_exactly_with_crlf_and_without_bom(db, tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Titre\r\n\r\nUne phrase.\u00a0Deux phrases.\r\n".encode())
    report = ingest(db, [str(path)])
    assert not report.errors and len(report.added) == 1
    article = store.get_article(db, report.added[0])
    assert article["text"] == "Titre\r\n\r\nUne phrase.\u00a0Deux phrases.\r\n"
    for p in store.get_passages(db, article["id"]):
        assert article["text"][p["start"]:p["end"]] == p["text"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "cp1252", "latin-1"])
def test_legacy_and_utf16_encodings_are_decoded(db, tmp_path, encoding):
    text = "Le café à côté de l’église coûte cher. Très cher !" if encoding == "cp1252" else \
        "Le café à côté de l'église coûte cher. Très cher !"
    data = codecs.BOM_UTF16_BE + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    (tmp_path / "x.txt").write_bytes(data)
    report = ingest(db, [str(tmp_path / "x.txt")])
    assert not report.errors
    assert stored_texts(db) == [text]


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b" \n\t\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_empty_and_binary_files_are_refused_with_their_name(db, tmp_path, data, message):
    (tmp_path / "bad.txt").write_bytes(data)
    (tmp_path / "good.txt").write_text(FR, encoding="utf-8")
    report = ingest(db, [str(tmp_path / "bad.txt"), str(tmp_path / "good.txt")])
    assert len(report.errors) == 1 and report.errors[0].filename.endswith("bad.txt")
    assert message in report.errors[0].message
    assert stored_texts(db) == [FR]


def test_file_over_the_size_limit_is_refused_with_the_limit(db, tmp_path):
    (tmp_path / "big.txt").write_text("Une phrase assez longue. " * 100, encoding="utf-8")
    report = ingest(db, [str(tmp_path / "big.txt")], max_bytes=1000)
    assert "over the 0.001 MB limit" in str(report.errors[0]) and not report.added


def test_missing_path_and_unsupported_type_are_errors(db, tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    report = ingest(db, [str(tmp_path / "nope.txt"), str(tmp_path / "a.pdf")])
    assert [e.message.split(";")[0] for e in report.errors] == ["no such file or directory", "unsupported file type .pdf"]


def test_malformed_jsonl_line_is_reported_with_its_number_and_other_lines_saved(db, tmp_path):
    lines = [json.dumps({"id": "a1", "text": FR, "outlet": "Le Monde"}), '{"id": "a2", "text": ',
             json.dumps({"id": "a3", "text": 42}), "", json.dumps({"id": "a4", "text": EN, "lang": "en"})]
    (tmp_path / "rows.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest(db, [str(tmp_path / "rows.jsonl")])
    path = str(tmp_path / "rows.jsonl")
    assert [(e.filename, e.line) for e in report.errors] == [(path, 2), (path, 3)]
    assert errors_of(report)[1] == f"{path}:3: field 'text' must be a string, got int"
    assert stored_texts(db) == [FR, EN]
    rows = {a["source_id"]: a for a in store.list_articles(db)}
    assert rows["a1"]["outlet"] == "Le Monde" and rows["a4"]["lang"] == "en"
    assert rows["a1"]["source_file"] == "rows.jsonl"


def test_json_list_reports_bad_items_by_their_starting_line(db, tmp_path):
    doc = '[\n  {"text": "%s"},\n  {"title": "no text"},\n  "a string",\n  {"text": "%s"}\n]' % (
        FR.strip(), EN.strip())
    (tmp_path / "list.json").write_text(doc, encoding="utf-8")
    report = ingest(db, [str(tmp_path / "list.json")])
    assert [e.line for e in report.errors] == [3, 4]
    assert len(report.added) == 2


def test_json_single_object_and_invalid_json(db, tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"text": FR, "title": "Un titre"}), encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"text": "a",\n "x": }', encoding="utf-8")
    report = ingest(db, [str(tmp_path / "one.json"), str(tmp_path / "broken.json")])
    assert errors_of(report)[0].startswith(f"{tmp_path / 'broken.json'}:2: invalid JSON")
    assert store.list_articles(db)[0]["title"] == "Un titre"


def test_csv_bad_quoting_is_an_error_at_its_line_and_other_rows_are_saved(db, tmp_path):
    csv_text = ('id,outlet,text\n'
                'r1,Libé,"Première phrase. Avec une ligne\nen plus."\n'
                'r2,X,"Une citation "mal" fermée"\n'
                'r3,Y,"' + EN.strip() + '"\n')
    (tmp_path / "rows.csv").write_text(csv_text, encoding="utf-8")
    report = ingest(db, [str(tmp_path / "rows.csv")])
    assert [(e.filename, e.line) for e in report.errors] == [(str(tmp_path / "rows.csv"), 4)]
    assert stored_texts(db) == ["Première phrase. Avec une ligne\nen plus.", EN.strip()]


def test_html_file_keeps_the_page_and_stores_the_main_text_with_metadata(db, tmp_path):
    html = ("<html><head><title>Briefcam : la police avoue</title><meta name='author' content='Jean Dupont'>"
            "<meta property='og:site_name' content='Le Journal'></head><body><nav>Accueil Rubriques</nav>"
            "<article><h1>Briefcam : la police avoue</h1><p>La police nationale utilise depuis 2015 un logiciel "
            "israélien de vidéosurveillance algorithmique, selon des documents internes.</p><p>Le ministère "
            "de l’intérieur n’a pas répondu à nos questions sur ce sujet sensible.</p></article></body></html>")
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    report = ingest(db, [str(tmp_path / "page.html")])
    article = store.get_article(db, report.added[0])
    assert "logiciel israélien" in article["text"] and "<p>" not in article["text"]
    assert (article["title"], article["author"], article["outlet"]) == ("Briefcam : la police avoue", "Jean Dupont", "Le Journal")
    assert db.execute("SELECT html FROM articles").fetchone()[0] == html


def test_reingesting_adds_nothing_and_reports_already_present(db):
    first = ingest(db, [str(DEMO_DIR)])
    second = ingest(db, [str(DEMO_DIR)])
    assert len(first.added) == 2 and second.added == [] and sorted(second.skipped) == sorted(first.added)
    assert {i["status"] for i in second.items} == {"already present"}
    assert store.stats(db)["articles"] == 2
    assert db.execute("SELECT count(*) FROM passages").fetchone()[0] == sum(i["passages"] for i in first.items)


def test_directory_ingest_uses_its_manifest_and_keeps_texts_byte_for_byte(db):
    report = ingest(db, [str(DEMO_DIR)])
    rows = {a["source_file"]: a for a in store.list_articles(db)}
    rp = rows["revolution-permanente.fr.txt"]
    assert (rp["outlet"], rp["author"], rp["published_at"], rp["lang"]) == (
        "Révolution Permanente", "Roxane Sinigaglia", "2023-11-17", "fr")
    assert rows["disclose-repost-blog.fr.txt"]["outlet"] == "Blog repost of Disclose"
    for name, row in rows.items():
        stored = store.get_article(db, row["id"])["text"]
        assert stored.encode("utf-8") == (DEMO_DIR / name).read_bytes()
    assert not report.errors


def test_directories_are_walked_recursively_skipping_other_files(db, tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "a.md").write_text(FR, encoding="utf-8")
    (tmp_path / "b.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")
    (tmp_path / ".hidden.txt").write_text("Hidden text here.", encoding="utf-8")
    report = ingest(db, [str(tmp_path)])
    assert not report.errors and len(report.added) == 2


def test_outlet_comes_from_metadata_then_url_domain_then_option_then_file_stem(db, tmp_path):
    rows = [{"id": "1", "text": "Un. Premier texte.", "outlet": "Meta", "url": "https://www.site.fr/a"},
            {"id": "2", "text": "Deux. Second texte.", "url": "https://www.site.fr/b"},
            {"id": "3", "text": "Trois. Troisième texte."}]
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    (tmp_path / "my-blog.fr.txt").write_text("Quatre. Quatrième texte.", encoding="utf-8")
    ingest(db, [str(tmp_path / "r.jsonl")], outlet="Option")
    ingest(db, [str(tmp_path / "my-blog.fr.txt")])
    assert [a["outlet"] for a in store.list_articles(db)] == ["Meta", "site.fr", "Option", "my-blog"]
    assert db.execute("SELECT domain FROM outlets WHERE name = 'site.fr'").fetchone()[0] == "site.fr"


def test_language_is_detected_unless_metadata_gives_it(db, tmp_path):
    rows = [{"text": FR}, {"text": EN}, {"text": "Ein kurzer Text. Noch einer.", "lang": "fr-FR"}]
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    ingest(db, [str(tmp_path / "r.jsonl")])
    assert [a["lang"] for a in store.list_articles(db)] == ["fr", "en", "fr"]


def test_title_falls_back_to_the_first_heading(db, tmp_path):
    (tmp_path / "t.txt").write_text("×\nLa police utilise un logiciel secret\n\nLe corps. Fin.", encoding="utf-8")
    ingest(db, [str(tmp_path / "t.txt")])
    assert store.list_articles(db)[0]["title"] == "La police utilise un logiciel secret"


def test_demo_copy_without_manifest_gets_file_stem_outlet(db, tmp_path):
    shutil.copy(DEMO_DIR / "revolution-permanente.fr.txt", tmp_path)
    ingest(db, [str(tmp_path)])
    assert store.list_articles(db)[0]["outlet"] == "revolution-permanente"


def test_unpaired_surrogate_in_a_row_is_an_error_for_that_row_only(db, tmp_path):
    (tmp_path / "s.jsonl").write_text('{"text": "Bonjour \\ud800 monde."}\n{"text": "Autre. Fin."}\n', encoding="utf-8")
    report = ingest(db, [str(tmp_path / "s.jsonl")])
    assert [(e.line, e.message) for e in report.errors] == [
        (1, "field 'text' holds an unpaired surrogate (\\ud800), not valid Unicode")]
    assert stored_texts(db) == ["Autre. Fin."]


def test_long_batch_shows_a_progress_bar_on_stderr_only(db, tmp_path, capsys):
    for i in range(50):
        (tmp_path / f"a{i}.txt").write_text(f"Article numéro {i}. Une phrase.", encoding="utf-8")
    report = ingest(db, [str(tmp_path)], progress=True)
    captured = capsys.readouterr()
    assert len(report.added) == 50 and "/50 [" in captured.err and "articles=50" in captured.err
    assert captured.out == ""


def test_short_batch_off_a_terminal_prints_no_progress(db, tmp_path, capsys):
    (tmp_path / "a.txt").write_text(FR, encoding="utf-8")
    ingest(db, [str(tmp_path / "a.txt")], progress=True)
    assert capsys.readouterr().err == ""


def test_reingest_reports_the_stored_outlet_not_the_new_one(db, tmp_path):
    from corpus.ingest import ingest as run_ingest

    path = tmp_path / "wire.en.txt"
    path.write_text("The council approved the budget on Monday.\n", encoding="utf-8")
    run_ingest(db, [str(path)], outlet="First Outlet")
    again = run_ingest(db, [str(path)], outlet="Second Outlet")
    assert again.items[0]["status"] == "already present"
    assert again.items[0]["outlet"] != "Second Outlet"
