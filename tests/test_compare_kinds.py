"""Character-level evidence and the alignment kind it implies (French and English)."""
from compare.kinds import PassageText, classify, evidence, quote_pieces, quoted_segments

RP = ("C’est ce que Disclose explique\u00a0: «\u00a0Il y a huit ans, la direction départementale de sécurité "
      "publique (DDSP) de Seine-et-Marne est choisie pour expérimenter le logiciel israélien. (…) Les services "
      "de police du Rhône, du Nord, des Alpes-Maritimes, et de Haute-Garonne en sont à leur tour équipés. (…) "
      "Dans la foulée, ce sont les services de la police judiciaire qui vont être dotés du logiciel\u00a0» peut-on lire.")
DISCLOSE = [
    "Il y a huit ans, la direction départementale de sécurité publique (DDSP) de Seine-et-Marne est choisie "
    "pour expérimenter le logiciel israélien.",
    "Deux ans plus tard, en 2017, l’application est déployée plus largement.",
    "Les services de police du Rhône, du Nord, des Alpes-Maritimes, et de Haute-Garonne en sont à leur tour équipés.",
    "Dans la foulée, ce sont les services de la police judiciaire qui vont être dotés du logiciel de Briefcam.",
]


def kind(a: str, b: str) -> str:
    return classify(evidence(PassageText(a), PassageText(b)))


def test_quote_with_cuts_splits_into_pieces_between_the_cuts():
    pieces = quote_pieces(RP)
    assert len(pieces) == 3
    assert pieces[0].startswith("il y a huit ans") and pieces[2].startswith("dans la foulée")


def test_each_quoted_sentence_is_found_and_the_cut_one_is_not():
    quoted = [evidence(PassageText(RP), PassageText(s)).quoted_ab for s in DISCLOSE]
    assert quoted[0] > 0 and quoted[2] > 0 and quoted[3] > 0
    assert quoted[1] == 0  # "Deux ans plus tard" was cut out of the quotation
    assert [kind(RP, s) for s in (DISCLOSE[0], DISCLOSE[2], DISCLOSE[3])] == ["quoted"] * 3


def test_bracketed_insertion_inside_a_quote_does_not_hide_it():
    a = "«\u00a0[Cet outil] n’étant pas déclaré à la CNIL [Commission nationale], il semble préférable de ne pas en parler\u00a0» déclarait un cadre."
    b = "Fin 2020, un cadre invite à la discrétion : « Certains services ont l’outil Briefcam, mais celui-ci n’étant pas déclaré à la CNIL, il semble préférable de ne pas en parler »."
    assert kind(a, b) == "quoted"


def test_verbatim_copy_with_an_inserted_bracket_is_still_verbatim():
    a = "The project will cost 4.2 million dollars and is expected to be finished by next autumn."
    b = "The project will cost 4.2 million dollars [a bargain, frankly] and is expected to be finished by next autumn."
    assert kind(a, b) == "verbatim"
    assert kind("Le même texte, mot pour mot.", "Le même texte, mot pour mot.") == "verbatim"


def test_cut_sentence_is_partial():
    a = "Farmers will be allowed to irrigate crops only at night, between 10 pm and 6 am, until the end of the month."
    assert kind(a, "Farmers will be allowed to irrigate crops only at night.") == "partial"


def test_rewording_is_paraphrase():
    assert kind("The firm blamed rising energy prices and weak demand from the car industry.",
                "High energy costs and falling orders from carmakers were cited as the main reasons.") == "paraphrase"


def test_short_quotes_are_not_evidence_of_reuse():
    # two words in quotes appear everywhere; they must not make a pair "quoted"
    assert quote_pieces("Il parle de « temps réel » et de « plus » encore.") == []


def test_quote_segments_handle_nesting_and_cut_passages():
    assert quoted_segments("des « fonctionnalités plus « sensibles » » ici") == ["fonctionnalités plus « sensibles »"]
    assert quoted_segments("début de citation « jamais fermée") == ["jamais fermée"]
    assert quoted_segments("fin de citation » puis la suite") == ["fin de citation"]
    assert quoted_segments('He said "make the street safer" today') == ["make the street safer"]
