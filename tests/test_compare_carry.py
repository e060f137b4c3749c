"""What carried over between passages in two languages: numbers, names, dates, quotes."""
from __future__ import annotations

from compare.carry import carried_over, changed_quotes

FR = ("Briefcam, selon Disclose, a vendu 1 500 licences en 2015 au ministère. "
      "« Nous n'avons rien à cacher », dit Gérald Darmanin.")
EN = ("According to Disclose, Briefcam sold 1,500 licences in 2015 to the ministry. "
      "\"We have nothing to hide,\" said Gerald Darmanin.")


def test_numbers_names_and_quotes_carry_over_across_languages():
    carried = carried_over(FR, EN)
    assert carried.kept == ["1 500", "2015", "Disclose", "Briefcam", "Gérald Darmanin"]  # 1 500 = 1,500; é = e
    assert carried.lost == ["« Nous n'avons rien à cacher »"] and carried.gained == ["« We have nothing to hide »"]


def test_a_changed_number_is_lost_and_gained():
    carried = carried_over("Le contrat vaut 1,2 million d'euros.", "The contract is worth 2.1 million euros.")
    assert carried.lost == ["1,2"] and carried.gained == ["2.1"]


def test_changed_quotes_pair_a_quote_with_what_it_became():
    a = "« Nous n'avons absolument rien à cacher », a dit le ministre."
    b = "« Nous n'avons rien à cacher », a déclaré le ministre."
    assert changed_quotes(a, b) == [("Nous n'avons absolument rien à cacher", "Nous n'avons rien à cacher")]
    assert changed_quotes(b, b) == []
