"""Every published number in hdlesson.biology.facts carries a unit and a full citation."""

import numbers

import pytest

from hdlesson.biology import facts


@pytest.mark.parametrize("fact", facts.ALL_FACTS, ids=lambda fact: fact.name)
def test_fact_has_numeric_value_and_unit(fact):
    values = fact.value if isinstance(fact.value, tuple) else (fact.value,)
    assert all(isinstance(v, numbers.Real) for v in values), fact.value
    assert fact.unit.strip()
    assert fact.description.strip()


@pytest.mark.parametrize("fact", facts.ALL_FACTS, ids=lambda fact: fact.name)
def test_fact_has_full_citation(fact):
    citation = fact.citation
    assert "," in citation.authors or " " in citation.authors.strip()
    assert 1900 < citation.year < 2030
    assert citation.title.strip()
    assert citation.journal.strip()
    assert citation.volume.strip()
    assert citation.pages.strip()


@pytest.mark.parametrize("fact", facts.ALL_FACTS, ids=lambda fact: fact.name)
def test_unconfirmed_fact_explains_why(fact):
    if not fact.confirmed:
        assert fact.note.strip(), f"{fact.name} is unconfirmed but has no note"


def test_fact_names_are_unique():
    assert len(facts.FACTS) == len(facts.ALL_FACTS)


def test_facts_cover_required_numbers():
    required = {
        "pb_glomeruli", "pb_glomeruli_with_epg", "eb_wedges", "eb_tiles", "pen_shift_deg",
        "ati_adn_ms", "ati_lmn_ms", "ati_pos_ms", "dtn_ahv_cell_fraction",
        "hd_base_width_pos_deg", "hd_packet_width_deg",
    }
    assert required <= set(facts.FACTS)


def test_pen_shift_is_one_tile():
    assert facts.PEN_SHIFT_DEG.value == 360.0 / facts.EB_TILES.value * facts.PEN_SHIFT_TILES.value


def test_get_unknown_fact_raises():
    with pytest.raises(KeyError, match="not found"):
        facts.get("pb_glomeruli_count")


def test_citation_text_has_volume_and_pages():
    assert str(facts.ATI_LMN_MS.citation).endswith("J Neurosci 18(21):9020-9037.")
