"""Published numbers about the fly and rodent head-direction circuits, each with its source.

Every number hdlesson takes from the biology literature is a :class:`Fact`
here, with its value, unit and full citation, so the library and the book
quote one place. ``confirmed`` is True where the number appears in the cited
source's abstract or a figure legend. False marks a number from the body or
figures of the paper that was not re-read, and the fact's ``note`` says what
is uncertain.

Usage::

    from hdlesson.biology import facts
    facts.PEN_SHIFT_DEG.value          # 45
    print(facts.PEN_SHIFT_DEG.citation)
    facts.table()                      # all facts as text rows
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    """A journal article.

    Attributes
    ----------
    authors : str
        All authors, "Surname Initials" separated by commas.
    year : int
    title : str
    journal : str
    volume : str
        Volume, with the issue in brackets where known.
    pages : str
        Page range or article number.
    doi : str
        DOI without the resolver prefix; empty where not checked.
    """

    authors: str
    year: int
    title: str
    journal: str
    volume: str
    pages: str
    doi: str = ""

    def __str__(self) -> str:
        text = f"{self.authors} ({self.year}). {self.title}. {self.journal} {self.volume}:{self.pages}."
        if self.doi:
            text += f" doi:{self.doi}"
        return text

    @property
    def short(self) -> str:
        """Author-year label, for example "Green et al. 2017"."""
        names = [name.strip().split(" ")[0] for name in self.authors.split(",")]
        if len(names) == 1:
            return f"{names[0]} {self.year}"
        if len(names) == 2:
            return f"{names[0]} & {names[1]} {self.year}"
        return f"{names[0]} et al. {self.year}"


@dataclass(frozen=True)
class Fact:
    """A published number with its unit and source.

    Attributes
    ----------
    name : str
        Identifier, the same as the module constant in lower case.
    value : float or tuple
        The number, or ``(low, high)`` for a range.
    unit : str
    description : str
        What the number measures, in one sentence.
    citation : Citation
    confirmed : bool
        Whether the number was read in the cited source itself.
    note : str
        What is approximate or uncertain about the number.
    """

    name: str
    value: object
    unit: str
    description: str
    citation: Citation
    confirmed: bool = True
    note: str = ""


# Sources -----------------------------------------------------------------

WOLFF_2015 = Citation(
    "Wolff T, Iyer NA, Rubin GM", 2015,
    "Neuroarchitecture and neuroanatomy of the Drosophila central complex: a GAL4-based "
    "dissection of protocerebral bridge neurons and circuits",
    "J Comp Neurol", "523(7)", "997-1037", "10.1002/cne.23705",
)
SEELIG_2015 = Citation(
    "Seelig JD, Jayaraman V", 2015,
    "Neural dynamics for landmark orientation and angular path integration",
    "Nature", "521(7551)", "186-191", "10.1038/nature14446",
)
GREEN_2017 = Citation(
    "Green J, Adachi A, Shah KK, Hirokawa JD, Magani PS, Maimon G", 2017,
    "A neuronal circuit architecture for angular integration in Drosophila",
    "Nature", "546(7656)", "101-106", "10.1038/nature22343",
)
TURNER_EVANS_2017 = Citation(
    "Turner-Evans D, Wegener S, Rouault H, Franconville R, Wolff T, Seelig JD, Druckmann S, "
    "Jayaraman V", 2017,
    "Angular velocity integration in a fly heading circuit",
    "eLife", "6", "e23496", "10.7554/eLife.23496",
)
KIM_2017 = Citation(
    "Kim SS, Rouault H, Druckmann S, Jayaraman V", 2017,
    "Ring attractor dynamics in the Drosophila central brain",
    "Science", "356(6340)", "849-853", "10.1126/science.aal4835",
)
TURNER_EVANS_2020 = Citation(
    "Turner-Evans DB, Jensen KT, Ali S, Paterson T, Sheridan A, Ray RP, Wolff T, "
    "Lauritzen S, Rubin GM, Bock DD, Jayaraman V", 2020,
    "The neuroanatomical ultrastructure and function of a biological ring attractor",
    "Neuron", "108(1)", "145-163.e10", "10.1016/j.neuron.2020.08.006",
)
HULSE_2021 = Citation(
    "Hulse BK, Haberkern H, Franconville R, Turner-Evans D, Takemura S, Wolff T, Noorman M, "
    "Dreher M, Dan C, Parekh R, Hermundstad AM, Rubin GM, Jayaraman V", 2021,
    "A connectome of the Drosophila central complex reveals network motifs suitable for "
    "flexible navigation and context-dependent action selection",
    "eLife", "10", "e66039", "10.7554/eLife.66039",
)
TAUBE_1990 = Citation(
    "Taube JS, Muller RU, Ranck JB Jr", 1990,
    "Head-direction cells recorded from the postsubiculum in freely moving rats. "
    "I. Description and quantitative analysis",
    "J Neurosci", "10(2)", "420-435",
)
BLAIR_1995 = Citation(
    "Blair HT, Sharp PE", 1995,
    "Anticipatory head direction signals in anterior thalamus: evidence for a thalamocortical "
    "circuit that integrates angular head motion to compute head direction",
    "J Neurosci", "15(9)", "6260-6270",
)
BLAIR_1997 = Citation(
    "Blair HT, Lipscomb BW, Sharp PE", 1997,
    "Anticipatory time intervals of head-direction cells in the anterior thalamus of the rat: "
    "implications for path integration in the head-direction circuit",
    "J Neurophysiol", "78(1)", "145-159", "10.1152/jn.1997.78.1.145",
)
STACKMAN_1998 = Citation(
    "Stackman RW, Taube JS", 1998,
    "Firing properties of rat lateral mammillary single units: head direction, head pitch, "
    "and angular head velocity",
    "J Neurosci", "18(21)", "9020-9037",
)
BASSETT_2001 = Citation(
    "Bassett JP, Taube JS", 2001,
    "Neural correlates for angular head velocity in the rat dorsal tegmental nucleus",
    "J Neurosci", "21(15)", "5740-5751", "10.1523/JNEUROSCI.21-15-05740.2001",
)
# DTN has HD cells, AV cells and cells tuned jointly to HD and AV (no number).
SHARP_2001 = Citation(
    "Sharp PE, Tinkelman A, Cho J", 2001,
    "Angular velocity and head direction signals recorded from the dorsal tegmental nucleus "
    "of Gudden in the rat: implications for path integration in the head direction cell circuit",
    "Behav Neurosci", "115(3)", "571-588",
)
PEYRACHE_2015 = Citation(
    "Peyrache A, Lacroix MM, Petersen PC, Buzsáki G", 2015,
    "Internally organized mechanisms of the head direction sense",
    "Nat Neurosci", "18(4)", "569-575", "10.1038/nn.3968",
)

# Fly central complex -----------------------------------------------------

PB_GLOMERULI = Fact(
    "pb_glomeruli", 18, "glomeruli",
    "Glomeruli of the Drosophila protocerebral bridge (PB), 9 on each side.",
    WOLFF_2015,
)
PB_GLOMERULI_WITH_EPG = Fact(
    "pb_glomeruli_with_epg", 16, "glomeruli",
    "PB glomeruli innervated by E-PG neurons: the inner 8 on each side.",
    WOLFF_2015, confirmed=False,
    note="The count is not stated in the abstract and was not re-read in the paper.",
)
EB_WEDGES = Fact(
    "eb_wedges", 16, "wedges",
    "Wedges of the ellipsoid body (EB); each E-PG neuron takes input from one wedge.",
    WOLFF_2015, confirmed=False,
    note="Anatomical subdivision defined in the paper; the count was not re-read.",
)
EB_TILES = Fact(
    "eb_tiles", 8, "tiles",
    "Tiles of the EB, each made of two wedges; P-EN neurons project to one tile.",
    WOLFF_2015, confirmed=False,
    note="Anatomical subdivision defined in the paper; the count was not re-read.",
)
PEN_SHIFT_TILES = Fact(
    "pen_shift_tiles", 1, "tiles",
    "Offset of each P-EN's EB tile from the E-PG column it receives: left-PB P-ENs +1 tile, "
    "right-PB P-ENs -1 tile.",
    GREEN_2017,
    note="Extended Data Fig. 4 numbers tiles so that left-bridge P-ENs project one tile "
    "clockwise (+1) and right-bridge P-ENs one tile anticlockwise (-1) in that figure's view.",
)
PEN_SHIFT_DEG = Fact(
    "pen_shift_deg", 45.0, "degrees",
    "Angular offset of the P-EN projection, one tile of 360/8 degrees, in opposite directions "
    "for the two sides of the PB.",
    GREEN_2017,
    note="Derived: one tile (PEN_SHIFT_TILES) of the 8 EB tiles.",
)
DELTA7_INHIBITION_PEAK_DEG = Fact(
    "delta7_inhibition_peak_deg", 180.0, "degrees",
    "Offset from the bump at which the E-PG -> Delta7 -> E-PG pathway inhibits most; the "
    "inhibition is broad and roughly cosine-shaped.",
    TURNER_EVANS_2020, confirmed=False,
    note="Delta7 neurons are inhibitory PB interneurons with broad output (also Hulse et al. "
    "2021); the exact profile shape was not confirmed.",
)

# Rodent head-direction system --------------------------------------------

HD_BASE_WIDTH_POS_DEG = Fact(
    "hd_base_width_pos_deg", 90.0, "degrees",
    "Base width of postsubiculum HD-cell tuning curves: firing falls to baseline about 45 "
    "degrees either side of the preferred direction.",
    TAUBE_1990, confirmed=False,
    note="Secondary accounts quote 90-100 degrees; the paper's table was not re-read.",
)
ATI_ANTERIOR_THALAMUS_MS = Fact(
    "ati_anterior_thalamus_ms", 17.0, "ms",
    "Mean anticipatory time interval (ATI) of anterior thalamic HD cells in rats.",
    BLAIR_1997,
)
ATI_ANTERIOR_THALAMUS_RANGE_MS = Fact(
    "ati_anterior_thalamus_range_ms", (0.0, 50.0), "ms",
    "Range of ATIs across individual anterior thalamic HD cells.",
    BLAIR_1997,
)
ATI_ADN_MS = Fact(
    "ati_adn_ms", 25.0, "ms",
    "ATI of HD cells in the anterodorsal thalamic nucleus (ADN) of rats.",
    STACKMAN_1998,
    note="Quoted there as the value previously reported for ADN HD cells.",
)
ATI_LMN_MS = Fact(
    "ati_lmn_ms", 95.0, "ms",
    "ATI of HD cells in the lateral mammillary nucleus (LMN) of rats.",
    STACKMAN_1998,
)
ATI_POS_MS = Fact(
    "ati_pos_ms", 0.0, "ms",
    "ATI of postsubiculum (PoS) HD cells: they encode the present HD, while ADN cells "
    "anticipate it.",
    BLAIR_1995,
    note="Qualitative: the abstract states that PoS cells encode the present HD; 0 ms is that "
    "statement as a number.",
)
DTN_AHV_CELL_FRACTION = Fact(
    "dtn_ahv_cell_fraction", 0.75, "fraction of recorded cells",
    "Fraction of dorsal tegmental nucleus (DTN) cells that fire as a function of angular head "
    "velocity (AHV), symmetrically or for one turn direction.",
    BASSETT_2001,
)
DTN_AHV_HD_MODULATED_FRACTION = Fact(
    "dtn_ahv_hd_modulated_fraction", 0.11, "fraction of AHV cells",
    "Fraction of DTN AHV cells that are also modulated by HD.",
    BASSETT_2001,
)
HD_PACKET_WIDTH_DEG = Fact(
    "hd_packet_width_deg", 60.0, "degrees",
    "Width of the packet of correlated HD-cell firing in mouse ADN and PoS, kept during sleep.",
    PEYRACHE_2015,
)

ALL_FACTS = tuple(
    value for value in list(globals().values()) if isinstance(value, Fact)
)
FACTS = {fact.name: fact for fact in ALL_FACTS}


def get(name: str) -> Fact:
    """Return the fact called ``name`` (for example ``"ati_adn_ms"``)."""
    if name not in FACTS:
        raise KeyError(f"fact {name!r} not found; known facts: {', '.join(sorted(FACTS))}.")
    return FACTS[name]


def table() -> list:
    """Return one row per fact: name, value, unit, short citation and whether it was confirmed."""
    return [
        (fact.name, fact.value, fact.unit, fact.citation.short, fact.confirmed)
        for fact in ALL_FACTS
    ]
