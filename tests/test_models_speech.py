"""The learned speech tagger: indirect and direct speech, sources, cues, guards, offsets, loading."""
from __future__ import annotations

import json
import pickle

import pytest

from annotate.models.speech import Attribution, SpeechModel, decode, find_attributions, find_many
from annotate.models.speech.features import cue_words
from annotate.models.speech.model import MODEL_FILE
from annotate.models.speech.tokens import quote_pairs, tokenize


def check_offsets(text: str, found: list[Attribution]) -> None:
    for a in found:
        for s in (a.content, a.cue, a.source, a.speaker, *a.pieces):
            assert s is None or text[s.start:s.end] == s.text, s


def one(text: str, lang: str) -> Attribution:
    found = find_attributions(text, lang)
    check_offsets(text, found)
    assert len(found) == 1, [a.as_dict() for a in found]
    return found[0]


def test_indirect_speech_with_that_gives_content_source_and_cue():
    a = one("The minister said that taxes would rise.", "en")
    assert "taxes would rise" in a.content.text and not a.direct
    assert a.source.text == "The minister" and a.cue.text == "said"


def test_according_to_names_the_source_after_the_cue():
    a = one("According to the ministry, unemployment fell by two percent last year.", "en")
    assert "unemployment fell" in a.content.text
    assert "ministry" in a.source.text and "According" in a.cue.text


def test_direct_quote_with_said_after_is_direct():
    a = one("“We will not back down,” said John Smith, the mayor of the city.", "en")
    assert a.direct and a.content.text.startswith("“We will not back down")
    assert "John Smith" in a.source.text and a.cue.text == "said"


def test_french_selon_gives_reported_speech():
    a = one("Selon le ministre de l'Intérieur, la délinquance a baissé de 5 % l'an dernier.", "fr")
    assert "la délinquance a baissé" in a.content.text
    assert "ministre" in a.source.text and a.cue.text.lower() == "selon"


def test_french_incise_a_t_il_declare():
    a = one("« Nous ne reculerons pas devant la menace », a-t-il déclaré.", "fr")
    assert a.direct and a.content.text.startswith("« Nous ne reculerons")
    assert "déclaré" in a.cue.text


def test_french_incise_after_guillemets_names_the_speaker():
    a = one("« C'est une erreur », a affirmé la députée.", "fr")
    assert a.direct and a.source.text == "la députée" and a.cue.text == "a affirmé"


def test_french_que_after_a_reporting_verb():
    a = one("La présidente de la commission estime que le texte doit être réécrit.", "fr")
    assert a.content.text.startswith("que le texte") and a.cue.text == "estime"
    assert a.source.text == "La présidente de la commission"


@pytest.mark.parametrize("text", [
    "Des documents internes obtenus par le média montrent que la police utilise le logiciel « Vidéo Synopsis » depuis 2015.",
    "La police utilise depuis 2015 le logiciel « Vidéo Synopsis », selon des documents internes obtenus par le média.",
    "Le ministère a annoncé le lancement du logiciel « Vidéo Synopsis » dans dix villes.",
])
def test_product_name_in_guillemets_is_not_a_quotation_and_documents_are_not_verb_phrases(text):
    found = find_attributions(text, "fr")
    check_offsets(text, found)
    assert not any(a.content.text.strip("« »,") == "Vidéo Synopsis" for a in found)
    assert not any(a.source is not None and "obtenus" in a.source.text for a in found)


def test_decoder_drops_a_quoted_title_even_when_tagged_as_content():
    text = "Le ministère a présenté le logiciel « Vidéo Synopsis » hier."
    toks = tokenize(text)
    tags = ["O"] * len(toks)
    start = next(i for i, t in enumerate(toks) if t.text == "«")
    tags[start:start + 4] = ["B-CONTENT", "I-CONTENT", "I-CONTENT", "I-CONTENT"]
    tags[2:4] = ["B-CUE", "I-CUE"]
    assert decode.attributions(text, toks, tags, [0.9] * len(toks), cue_words()) == []
    tags[start:start + 4] = ["O"] * 4
    tags[5:len(toks) - 1] = ["B-CONTENT"] + ["I-CONTENT"] * (len(toks) - 7)
    kept = decode.attributions(text, toks, tags, [0.9] * len(toks), cue_words())
    assert [a.content.text for a in kept] == ["logiciel « Vidéo Synopsis » hier"]


def _tagged(text: str, spans: dict[str, str]) -> tuple[list, list[str]]:
    """Tokens of `text` and BIO tags painting each {words: kind} span (hand-made tagger output)."""
    toks = tokenize(text)
    tags = ["O"] * len(toks)
    for words, kind in spans.items():
        start = text.index(words)
        idx = [i for i, t in enumerate(toks) if start <= t.start and t.end <= start + len(words)]
        tags[idx[0]:idx[-1] + 1] = ["B-" + kind] + ["I-" + kind] * (len(idx) - 1)
    return toks, tags


def test_decoder_takes_the_name_between_a_closing_mark_and_its_cue_as_source():
    text = "“I think she will,” Gillibrand replied."
    toks, tags = _tagged(text, {"“I think she will,” Gillibrand": "CONTENT", "replied": "CUE"})
    a, = decode.attributions(text, toks, tags, [0.9] * len(toks), cue_words())
    assert a.content.text == "“I think she will,”" and a.source.text == "Gillibrand" and a.cue.text == "replied"


def test_decoder_gives_an_impersonal_or_passive_cue_no_speaker():
    text = "Ms. Kelly seemed certain to leave the network."
    toks, tags = _tagged(text, {"Ms. Kelly": "SOURCE", "seemed": "CUE", "certain to leave the network": "CONTENT"})
    a, = decode.attributions(text, toks, tags, [0.9] * len(toks), cue_words())
    assert a.cue.text == "seemed" and a.source is None
    text = "The chair was widely expected to resign."
    toks, tags = _tagged(text, {"The chair": "SOURCE", "was widely expected": "CUE", "to resign": "CONTENT"})
    assert decode.attributions(text, toks, tags, [0.9] * len(toks), cue_words())[0].source is None
    text = "Some Democrats are concerned that the tactics could divide the party."
    toks, tags = _tagged(text, {"Some Democrats": "SOURCE", "are concerned": "CUE",
                                "that the tactics could divide the party": "CONTENT"})
    assert decode.attributions(text, toks, tags, [0.9] * len(toks), cue_words())[0].source.text == "Some Democrats"


@pytest.mark.parametrize("text, tagged, expected", [
    # a time phrase says when, not who ("Mayor Linda Park after the vote" would be a second speaker)
    ("“It is vital,” said Mayor Linda Park after the vote.", "Mayor Linda Park after the vote", "Mayor Linda Park"),
    ("Gov. Mike Pence on Thursday said that the bill was fair.", "Gov. Mike Pence on Thursday", "Gov. Mike Pence"),
    # an apposition after "Name," names that person
    ("James Ortiz, one of four council members, said that the plan would ruin shops.",
     "one of four council members,", "James Ortiz"),
    ("Mr. Scott, who chairs the panel, said that the bill was fair.", "who", "Mr. Scott"),
    ("James Ortiz, one of four council members, said that the plan would ruin shops.",
     "James Ortiz, one of four council members,", "James Ortiz"),
    ("Jane Doe, a spokeswoman for the agency, said that the figures were wrong.",
     "Jane Doe, a spokeswoman for the agency", "Jane Doe"),
    # a trailing comma is not part of who spoke; an outlet in capitals is not a time word
    ("The mayor, Linda Park, said that the plan was vital.", "The mayor, Linda Park,", "The mayor, Linda Park"),
    ("USA TODAY said that the figures were wrong.", "USA TODAY", "USA TODAY"),
    # an opening adverb is not a name, a pronoun is no apposition
    ("Instead, she said that the figures were wrong.", "she", "she"),
])
def test_decoder_cuts_a_source_to_who_spoke(text, tagged, expected):
    cue = text.index(" said") + 1
    content = text[text.index("“"):text.index("”") + 1] if "“" in text else text[text.index("that"):-1]
    toks, tags = _tagged(text, {tagged: "SOURCE", "said": "CUE", content: "CONTENT"})
    a, = decode.attributions(text, toks, tags, [0.9] * len(toks), cue_words())
    assert a.cue.start == cue and a.source.text == expected
    assert text[a.source.start:a.source.end] == expected


@pytest.mark.parametrize("text, lang", [
    ("An investigation published on Monday found that the agency had ignored repeated warnings.", "en"),
    ("A report released by the agency said that the number of arrests had doubled.", "en"),
    ("Une enquête publiée lundi affirme que la police a ignoré les alertes.", "fr"),
])
def test_speaker_is_never_a_verb_phrase(text, lang):
    found = find_attributions(text, lang)
    check_offsets(text, found)
    for a in found:
        if a.source is not None:
            words = a.source.text.lower().split()
            assert not {"published", "released", "publiée", "found", "said", "affirme"} & set(words), a.source


def test_pronoun_source_names_the_earlier_speaker():
    text = ("Senator Jane Doe said that the bill would pass next week. "
            "She added that the vote had been delayed twice.")
    found = find_attributions(text, "en")
    check_offsets(text, found)
    later = [a for a in found if a.source is not None and a.source.text == "She"]
    assert later and later[0].speaker is not None and "Jane Doe" in later[0].speaker.text


def test_it_never_names_a_titled_person_and_she_never_a_bare_common_noun():
    from annotate.rules.spans import Ref, Span
    from annotate.rules.speakers import agrees, resolve_pronouns

    assert not agrees("it", "Chief executive Maria Olsen") and agrees("it", "The company")
    assert agrees("She", "Chief executive Maria Olsen") and not agrees("she", "the company")
    assert agrees("elle", "la société") and agrees("it", "Brightwell Energy")
    assert agrees("she", "the lawyer") and not agrees("it", "a senior official")  # people named by a common noun
    text = ('"None of them added up," chief executive Maria Olsen told staff. '
            "The firm blames energy costs, which it says rose 38 percent. She said more.")

    def quote(word: str, speaker: str) -> Span:
        at, spk = text.index(word), text.index(speaker)
        return Span(at, at + len(word), text[at:at + len(word)], "quotation",
                    speaker=Ref(spk, spk + len(speaker), speaker))

    _, by_it, by_she = resolve_pronouns([quote("None", "chief executive Maria Olsen"),
                                         quote("rose", "it"), quote("more", "She")])
    assert by_it.speaker.text == "it"  # left as written: the firm is no earlier speaker here
    assert by_she.speaker.text == "chief executive Maria Olsen" and by_she.meta["pronoun"]["text"] == "She"


def test_he_or_she_names_an_earlier_speaker_named_only_by_their_role():
    from annotate.rules.spans import Ref, Span
    from annotate.rules.speakers import agrees, resolve_pronouns

    assert agrees("she", "the minister") and agrees("He", "the company's chief executive") and agrees("he", "a spokesman")
    assert not agrees("she", "the company")
    assert agrees("it", "the Justice Department") and agrees("it", "the General Assembly")  # "Justice", "General": no titles here
    assert not agrees("it", "the chair of the committee") and not agrees("it", "Justice Smith")
    assert agrees("it", "the state") and agrees("it", "the State of Texas")  # "state" titles only "Secretary of State X"
    text = '"We will act," the minister said. "Not now," she added.'

    def quote(word: str, speaker: str) -> Span:
        at, spk = text.index(word), text.index(speaker)
        return Span(at, at + len(word), text[at:at + len(word)], "quotation",
                    speaker=Ref(spk, spk + len(speaker), speaker))

    _, by_she = resolve_pronouns([quote("We will", "the minister"), quote("Not now", "she")])
    assert by_she.speaker.text == "the minister" and by_she.meta["pronoun"]["text"] == "she"


def test_the_taggers_pronoun_sources_name_only_an_earlier_source_they_agree_with():
    text = "The chief executive said costs rose. The firm said prices fell, which it says hurt. She said more."

    def att(content: str, source: str) -> Attribution:
        c, s = text.index(content), text.index(f"{source} ")
        return Attribution(content=decode.Span(c, c + len(content), content), cue=None,
                           source=decode.Span(s, s + len(source), source), direct=False, prob=0.5)

    found = decode.resolve_speakers([att("costs rose", "The chief executive"), att("prices fell", "The firm"),
                                     att("hurt", "it"), att("more", "She")])
    by = {a.content.text: a.speaker.text if a.speaker else None for a in found}
    assert by == {"costs rose": None, "prices fell": None, "hurt": "The firm", "more": "The chief executive"}


def test_offsets_index_the_whole_text_across_paragraphs():
    text = ("Markets were calm on Monday.\n\n"
            "The central bank said that rates would stay unchanged.\n"
            "« C’est une erreur », a affirmé la députée.")
    found = find_attributions(text, "en")
    check_offsets(text, found)
    assert any("rates would stay unchanged" in a.content.text for a in found)
    assert all(a.content.start >= text.index("The central") for a in found)


def test_quote_pairs_close_guillemets_and_run_unclosed_quotes_to_the_end():
    assert quote_pairs("a « b » c “d” e") == [(2, 7), (10, 13)]
    assert quote_pairs('He said "yes') == [(8, 12)]
    toks = tokenize("« Oui », dit-il.")
    assert [t.quote for t in toks[:3]] == [2, 1, 3]


def test_model_loads_from_crfsuite_file_without_pickle(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pickle must not be used to load the speech model")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    assert MODEL_FILE.read_bytes()[:4] == b"lCRF"  # crfsuite's own binary format
    model = SpeechModel()
    assert model.find("The mayor said that the bridge would reopen in May.", "en")


def test_missing_weights_give_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="speech model weights not found"):
        SpeechModel(tmp_path / "none.crfsuite")


def test_french_dialogue_dash_is_direct_speech_cut_around_its_incise():
    text = "— Demain, soit ! reprit-elle. J’aurai le temps de changer de toilette."
    a = one(text, "fr")
    assert a.direct and [p.text for p in a.pieces] == ["— Demain, soit !", "J’aurai le temps de changer de toilette."]
    assert (a.cue.text, a.source.text) == ("reprit", "elle")


def test_guillemets_cut_around_an_incise_inside_them():
    a = one("« Je ne viendrai pas ce soir, dit le comte, car il pleut. »", "fr")
    assert [p.text for p in a.pieces] == ["« Je ne viendrai pas ce soir", "car il pleut. »"]
    assert (a.cue.text, a.source.text) == ("dit", "le comte")


def test_long_paragraphs_are_cut_into_sequences_and_keep_exact_offsets():
    filler = " ".join(f"Item {i} was discussed at length by the committee." for i in range(40))
    text = filler + " The mayor said that the bridge would reopen in May."
    found = find_attributions(text, "en")
    check_offsets(text, found)
    assert any("bridge would reopen" in a.content.text and a.source.text == "The mayor" for a in found)


def test_find_many_over_worker_processes_matches_one_by_one():
    texts = ["The mayor said that the bridge would reopen in May.",
             "“We are ready,” said the coach.", "Nothing to see here."] * 30
    assert find_many(texts, "en", workers=2) == [find_attributions(t, "en") for t in texts]


def test_eval_script_without_the_shared_data_prints_one_skipped_row(capsys, tmp_path, monkeypatch):
    from bench.quality import eval_speech

    monkeypatch.setattr(eval_speech, "POLNEAR_DEV", tmp_path / "absent.jsonl")
    eval_speech.main()
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert len(rows) == 1 and rows[0]["note"].startswith("skipped") and rows[0]["figure"] is None


def test_where_the_tagger_decides_only_the_rules_pull_quotes_are_looked_for_with_the_same_result():
    """detect() skips the full rule search for English (the tagger keeps only the rules' pull
    quotes): the spans are those of the full search handed to the same finder."""
    from annotate.models.speech.apply import learned_quotes
    from annotate.rules.detect import detect

    def full_search(text, lang, rule_quotes):  # the same finder, without `decides`
        return learned_quotes(text, lang, rule_quotes)

    texts = ["“We will not back down,” the governor said on Tuesday, calling the plan a disgrace.",
             "“Nobody saw this coming.” — A senior police official\nThe mayor said that the budget was balanced.",
             "According to the report, unemployment fell to 4 percent, and critics said it was a sham."]
    for text in texts:
        shortcut = detect(text, "en", quote_finder=learned_quotes)
        assert shortcut == detect(text, "en", quote_finder=full_search)
    from annotate.rules.quotes import find_pull_quotes

    assert [p.speaker.text for p in find_pull_quotes(texts[1])] == ["A senior police official"]


def test_a_statement_with_only_an_impersonal_cue_is_not_stored_as_speech():
    from annotate.models.speech.apply import _is_speech

    text = "The chair was widely expected to resign."
    toks, tags = _tagged(text, {"The chair": "SOURCE", "was widely expected": "CUE", "to resign": "CONTENT"})
    a, = decode.attributions(text, toks, tags, [0.9] * len(toks), cue_words())
    assert a.source is None and not _is_speech(a, "en", text)  # nobody is reported as saying it
    text = "The minister said that the chair would resign."
    toks, tags = _tagged(text, {"The minister": "SOURCE", "said": "CUE", "that the chair would resign": "CONTENT"})
    assert _is_speech(decode.attributions(text, toks, tags, [0.9] * len(toks), cue_words())[0], "en", text)


@pytest.mark.parametrize("text, source, lang, speech", [
    ("According to the finance ministry, unemployment fell last year.", "the finance ministry", "en", True),
    ("According to Senator Ruth Cole, the bill will pass.", "Senator Ruth Cole", "en", True),
    ("According to court filings, the firm paid two million dollars.", "court filings", "en", False),
    ("According to leaked emails, the firm paid two million dollars.", "leaked emails", "en", False),
    ("Selon la ministre, le chômage a baissé l'an dernier.", "la ministre", "fr", True),
    ("Selon des documents internes, le chômage a baissé l'an dernier.", "des documents internes", "fr", False),
])
def test_according_to_a_person_is_stored_as_speech_and_according_to_a_document_as_a_fact(text, source, lang, speech):
    """Like the rules (annotate.rules.reported / facts): "according to" someone is reported
    speech with its speaker; "according to" a document is a sourced fact, not a quotation."""
    from annotate.models.speech.apply import _is_speech

    cue = text.split(" ", 2)[0] + (" to" if lang == "en" else "")
    content = text.split(", ", 1)[1].rstrip(".")
    toks, tags = _tagged(text, {cue: "CUE", source: "SOURCE", content: "CONTENT"})
    a, = decode.attributions(text, toks, tags, [0.9] * len(toks), cue_words())
    assert a.cue.text == cue and a.source.text == source
    assert _is_speech(a, lang, text) is speech


def test_an_english_product_name_in_quotation_marks_is_not_stored_as_a_quotation():
    from annotate.models.speech import apply

    text = "The company sells its speaker “Echo Home” in ten countries."
    assert find_attributions(text, "en")  # the tagger reads a quotation there ...
    assert apply.quotation_spans(text, "en") == []  # ... which is not stored: no cue, no source, a name


def test_an_unattributed_quotation_of_several_words_is_still_stored():
    from annotate.models.speech import apply

    text = "“We will not give up on this town, not now and not ever.”"
    spans = apply.quotation_spans(text, "en")
    assert [s.text for s in spans] == [text] and spans[0].speaker is None


@pytest.mark.parametrize("headline, kept", [
    ("City council approves controversial bus lane plan", False),
    ("City council votes on the new bridge", False),
    ("Mayor says bridge will reopen in May", True),
])
def test_a_headlines_verb_is_speech_only_when_it_reports_words(headline, kept):
    from annotate.models.speech.apply import is_stored

    verb = headline.split()[2] if headline.startswith("City") else "says"
    subject = headline[:headline.index(" " + verb)]
    content = headline[headline.index(verb) + len(verb) + 1:]
    toks, tags = _tagged(headline, {subject: "SOURCE", verb: "CUE", content: "CONTENT"})
    a, = decode.attributions(headline, toks, tags, [0.9] * len(toks), cue_words())
    assert is_stored(a, "en", headline) is kept
    body = headline + "."  # the same words as a body sentence stay the tagger's call
    assert is_stored(a, "en", body) is True


def test_a_source_ending_in_a_noun_that_can_be_a_cue_keeps_its_noun():
    text = "An internal report said that the agency had ignored the warnings."
    a, = find_attributions(text, "en")
    assert a.source.text == "An internal report" and a.cue.text == "said"
    text = "The president said that taxes would rise."
    assert find_attributions(text, "en")[0].source.text == "The president"


def test_a_lone_which_cut_off_by_its_cue_is_not_stored_as_a_quotation():
    from annotate.models.speech.apply import _pieces, quotation_spans

    text = "The firm blames weak demand and energy costs, which it says rose 38 percent in two years."
    at = {w: text.index(w) for w in ("which", "rose", "says", " it ")}
    which, rest = decode.Span(at["which"], at["which"] + 5, "which"), decode.Span(at["rose"], len(text) - 1, text[at["rose"]:-1])
    att = Attribution(content=decode.Span(at["which"], len(text) - 1, text[at["which"]:-1]),
                      cue=decode.Span(at["says"], at["says"] + 4, "says"), source=decode.Span(at[" it "] + 1, at[" it "] + 3, "it"),
                      direct=False, prob=0.5, pieces=(which, rest))
    check_offsets(text, [att])
    assert _pieces(att) == (rest,)
    assert _pieces(Attribution(content=which, cue=None, source=None, direct=False, prob=0.5)) == (which,)  # nothing else left
    assert all(text[s.start:s.end].strip().lower() != "which" for s in quotation_spans(text, "en"))
