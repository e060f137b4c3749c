"""Word lists of the rule families (reporting verbs, sourcing cues, loaded wording), per language.

Kept apart from the matching code so a reader can audit and extend them; every entry here was
chosen from news usage (the demo corpus, PolNeAR and CheckThat dev sets were used for tuning).
"""
from __future__ import annotations

import re

# French reporting verbs given as -er stems (conjugated below) and irregular forms.
_FR_ER = (
    "déclar affirm assur expliqu rapport alert précis indiqu soulign ajout estim confi racont "
    "rappel reconn annonc dénonc insist observ rétorqu témoign certifi regrett développ "
    "lanc martel tweet confirm signal avou répét résum "
    "constat détaill mentionn précon recommand réclam exig "
    "considér assén protest point tranch déplor argu interrog".split()
)
_FR_ER_SUFFIXES = ("e", "es", "ent", "ait", "aient", "é", "ée", "és", "ées", "ant", "a", "era", "ais", "ons", "ez", "ait-il")
_FR_IRREGULAR = (
    "dit dire disait disent dira disant déclare écrit écrivait écrivent écrire répond répondait "
    "répondu répondent reconnaît reconnaissait reconnu admet admettait admis conclut concluait "
    "conclu soutient soutenait soutenu prévient prévenait prévenu avertit avertissait averti "
    "promet promettait promis révèle révélait révélé révèlent révélant estime juge lit lire "
    "poursuit poursuivait confie interroge s’exclame s'exclame insiste ajoute déplore "
    "reprend reprit ajouta répondit demanda demande s’écria s’écrie rappelle rappellent "
    "dément démentait démenti prétend prétendait"
).split()


def _fr_forms() -> frozenset[str]:
    forms = set(_FR_IRREGULAR)
    for stem in _FR_ER:
        for suffix in _FR_ER_SUFFIXES:
            forms.add(stem + suffix)
    return frozenset(f for f in forms if len(f) > 2)


_ALL_FR = _fr_forms()
# Past participles only report speech after an auxiliary ("a déclaré"); alone they are usually
# adjectives ("des situations jugées « anormales »"), so they live in a separate set.
FR_PARTICIPLES = frozenset(f for f in _ALL_FR if f.endswith(("é", "ée", "és", "ées")))
FR_CUES = _ALL_FR - FR_PARTICIPLES
FR_AUX = frozenset("a ont avait avaient aurait auraient aura a-t-il a-t-elle".split())
EN_CUES = frozenset(
    "say says said saying tell tells told telling claim claims claimed claiming state states stated "
    "add adds added explain explains explained note notes noted argue argues argued warn warns "
    "warned announce announces announced report reports reported write writes wrote insist "
    "insists insisted acknowledge acknowledged admit admitted admits deny denies denied confirm "
    "confirms confirmed suggest suggests suggested allege alleged alleges assert asserted asserts "
    "declare declared declares contend contended maintain maintained recall recalled reveal "
    "revealed reveals predict predicted predicts tweet tweeted tweets testify testified "
    "complain complained mention mentioned point pointed respond responded reply replied "
    "ask asked asks believe believes believed think thinks thought"
    .split()
)

# Sourcing prepositions: "selon X", "according to X".
FR_SOURCING = re.compile(r"\b(?:selon|d[’']après|de source)\b", re.I)
EN_SOURCING = re.compile(r"\b(?:according to|as reported by|citing)\b", re.I)

# Documents the outlet cites: they turn an outlet statement into a sourced fact.
FR_DOC_SOURCE = re.compile(
    r"\b(?:selon|d[’']après|comme (?:le |l[’'])(?:indique|souligne|montre|révèle|précise))\s+"
    r"(?:(?:un|une|des|le|la|les|l[’']|son|sa|ses|ce|cette)\s*)?"
    r"(?:documents?|rapports?|courriels?|mails?|manuel|notes?|chiffres|données|étude|enquête|"
    r"jugement|arrêt|décision|bilan|audit|compte[- ]rendu|registre|contrat)\b[^,.;]*",
    re.I,
)
EN_DOC_SOURCE = re.compile(
    r"\b(?:according to|as shown in|based on|citing)\s+(?:(?:a|an|the|his|her|their|its)\s+)?"
    r"(?:court |internal |police |government |official |new |leaked |confidential )*"
    r"(?:documents?|filings?|reports?|records?|data|figures|emails?|memos?|study|survey|polls?|"
    r"statements?|analysis|audit)\b[^,.;]*",
    re.I,
)

# Words that introduce a name or a term rather than speech: « X » right after them is a label.
FR_NAMING = re.compile(
    r"(?:baptisée?s?|appelée?s?|nommée?s?|intitulée?s?|surnommée?s?|dite?s?|dénommée?s?|"
    r"qualifiée?s?\s+de|le\s+mot|le\s+terme|l[’']expression|label|slogan|opération|programme|"
    r"projet|plan|logiciel|application)\s*$", re.I,
)
EN_NAMING = re.compile(r"(?:called|named|dubbed|titled|entitled|known as|so-called|the term|the word)\s*$", re.I)

FR_DETERMINERS = frozenset("un une des le la les l’ l' du au aux son sa ses leur leurs ce cette ces".split())
EN_DETERMINERS = frozenset("a an the his her their its this that these those".split())
