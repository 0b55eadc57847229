"""An idealised fly compass: E-PG, P-EN, P-EG and Delta7 wiring rules and a rate model that integrates AV.

The Drosophila head-direction circuit links the ellipsoid body (EB), a ring of
8 tiles of 2 wedges each, to the protocerebral bridge (PB), two rows of
glomeruli. This module builds its connectivity from published wiring rules,
one column per EB tile, with numbers from :mod:`hdlesson.biology.facts`; no
connectome data are used. Each rule cites its source where it is applied.

Populations, with column ``t`` in ``0..7`` at angle ``t * 45`` degrees and PB
side ``s`` in ``(L, R)``:

- E-PG (16): one per EB wedge; the two wedges of tile ``t`` send one E-PG to
  glomerulus ``t`` of each PB side. Both carry the heading of column ``t``.
- P-EN (16): one per PB glomerulus. Left-PB P-ENs project one tile (+45
  degrees) towards increasing angle, right-PB P-ENs one tile the other way.
- P-EG (16): one per PB glomerulus, projecting back to the same tile.
- Delta7 (8): one per column, inhibiting the columns opposite to it.

Angle convention: the bump angle is the column angle, increasing with the
column number of Green et al. (2017)'s Extended Data Fig. 4 numbering, so
left-PB P-ENs move the bump towards increasing angle. The rate model excites
left-PB P-ENs with positive AV, so the bump angle integrates AV with the sign
convention of :mod:`hdlesson.analysis` (positive AV increases the angle).
NOTE: which of the fly's real turn directions excites the left-PB P-ENs
depends on the view of the EB and is not encoded here.

The gains, biases and time constant of the rate model are chosen, not
measured. With them the E-PG bump stays in place at zero AV and moves at
close to the AV between about 0.5 and 6 rad/s (29-340 deg/s). Below about 0.25 rad/s the
bump stays pinned to a column, because 8 columns make a coarse ring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hdlesson.biology import facts
from hdlesson.validation import as_generator, check_positive

N_COLUMNS = int(facts.EB_TILES.value)
WEDGES_PER_TILE = int(facts.EB_WEDGES.value) // N_COLUMNS
COLUMN_DEG = 360.0 / N_COLUMNS
PEN_SHIFT_COLUMNS = int(facts.PEN_SHIFT_TILES.value)
SIDES = ("L", "R")
POPULATIONS = ("EPG", "PEN", "PEG", "D7")

if COLUMN_DEG * PEN_SHIFT_COLUMNS != facts.PEN_SHIFT_DEG.value:
    raise RuntimeError("facts.PEN_SHIFT_DEG does not equal one EB tile; the facts disagree.")


@dataclass(frozen=True)
class WiringGains:
    """Synaptic gains of the idealised circuit (dimensionless, chosen, not measured).

    Each gain multiplies a 0/1 (or cosine-profile) connectivity rule; inhibitory
    gains are given as positive numbers and enter with a minus sign.
    """

    epg_to_pen: float = 2.0
    pen_to_epg: float = 2.0
    epg_to_peg: float = 1.0
    peg_to_epg: float = 0.3
    epg_to_d7: float = 0.5
    d7_to_epg: float = 0.5
    d7_to_pen: float = 1.0
    d7_to_peg: float = 1.0


@dataclass(frozen=True)
class FlyCompassWiring:
    """Connectivity of the idealised fly compass.

    Attributes
    ----------
    sizes : dict of str to int
        Number of neurons in each population (``"EPG"``, ``"PEN"``, ``"PEG"``, ``"D7"``).
    column : dict of str to ndarray
        EB column (tile) of each neuron, ``0..7``.
    side : dict of str to ndarray
        PB side of each neuron, ``"L"`` or ``"R"`` (``""`` for Delta7, which spans the PB).
    weights : dict of (str, str) to ndarray
        ``weights[(post, pre)]`` has shape ``(sizes[post], sizes[pre])``;
        positive entries excite, negative entries inhibit.
    """

    sizes: dict
    column: dict
    side: dict
    weights: dict

    def angle_deg(self, population: str) -> np.ndarray:
        """Heading angle of each neuron's column in degrees."""
        return self.column[population] * COLUMN_DEG

    @property
    def slices(self) -> dict:
        """Position of each population in the full state vector, in the order of ``POPULATIONS``."""
        result, start = {}, 0
        for name in POPULATIONS:
            result[name] = slice(start, start + self.sizes[name])
            start += self.sizes[name]
        return result

    @property
    def n_neurons(self) -> int:
        return sum(self.sizes.values())

    def matrix(self) -> np.ndarray:
        """Return the full weight matrix, shape (neurons, neurons), rows post, columns pre."""
        full = np.zeros((self.n_neurons, self.n_neurons))
        slices = self.slices
        for (post, pre), block in self.weights.items():
            full[slices[post], slices[pre]] = block
        return full

    def projection_offset_deg(self, post: str, pre: str) -> np.ndarray:
        """Return, for each ``pre`` neuron, the angle of its ``post`` targets minus its own.

        The target angle is the circular mean of the post-synaptic column
        angles weighted by the absolute weights, and the offset is wrapped to
        ``[-180, 180)`` degrees; NaN for a neuron without targets.
        """
        block = np.abs(self.weights[(post, pre)])
        post_angle = np.radians(self.angle_deg(post))
        pre_angle = np.radians(self.angle_deg(pre))
        resultant = block.T @ np.exp(1j * post_angle)
        offset = np.degrees(np.angle(resultant * np.exp(-1j * pre_angle)))
        offset = np.mod(offset + 180.0, 360.0) - 180.0
        return np.where(block.sum(axis=0) > 0, offset, np.nan)


def _glomerulus_layout():
    """Column and side of the 16 glomerulus-bound neurons: index ``2 * column + side``."""
    column = np.repeat(np.arange(N_COLUMNS), 2)
    side = np.tile(np.array(SIDES), N_COLUMNS)
    return column, side


def build_fly_wiring(gains: WiringGains | None = None) -> FlyCompassWiring:
    """Build the E-PG / P-EN / P-EG / Delta7 connectivity from published wiring rules.

    Parameters
    ----------
    gains : WiringGains, optional
        Strength of each pathway; the defaults make :func:`simulate_fly_compass`
        hold and move a bump.

    Returns
    -------
    FlyCompassWiring
    """
    gains = gains if gains is not None else WiringGains()
    column, side = _glomerulus_layout()
    d7_column = np.arange(N_COLUMNS)
    same_glomerulus = np.eye(column.size)
    same_column = (column[:, None] == column[None, :]).astype(float)

    weights = {}

    # E-PG -> P-EN and E-PG -> P-EG in the PB: each glomerulus contains the
    # E-PG of one EB wedge and the dendrites of one P-EN and one P-EG
    # (Wolff et al. 2015; Turner-Evans et al. 2017; Green et al. 2017).
    weights[("PEN", "EPG")] = gains.epg_to_pen * same_glomerulus
    weights[("PEG", "EPG")] = gains.epg_to_peg * same_glomerulus

    # P-EN -> E-PG in the EB: left-PB P-ENs project one tile (+45 degrees) and
    # right-PB P-ENs one tile the other way, onto both wedges of that tile
    # (Green et al. 2017, Extended Data Fig. 4; Turner-Evans et al. 2017).
    shift = np.where(side == "L", PEN_SHIFT_COLUMNS, -PEN_SHIFT_COLUMNS)
    target_column = np.mod(column + shift, N_COLUMNS)
    weights[("EPG", "PEN")] = gains.pen_to_epg * (column[:, None] == target_column[None, :])

    # P-EG -> E-PG in the EB: P-EGs return to the tile of their own column,
    # without a shift. NOTE: an idealisation; the P-EG column matches its PB
    # glomerulus (Wolff et al. 2015), but the synaptic partners in the EB were
    # not checked against a connectome.
    weights[("EPG", "PEG")] = gains.peg_to_epg * same_column

    # E-PG -> Delta7 -> E-PG, P-EN, P-EG: broad inhibition in the PB, roughly
    # cosine-shaped and strongest 180 degrees from the bump (Turner-Evans et
    # al. 2020; Hulse et al. 2021). Local excitation with this global
    # inhibition sustains a single bump (Kim et al. 2017).
    weights[("D7", "EPG")] = gains.epg_to_d7 * (d7_column[:, None] == column[None, :])
    peak = np.radians(facts.DELTA7_INHIBITION_PEAK_DEG.value)
    angle = np.radians(column * COLUMN_DEG)
    d7_angle = np.radians(d7_column * COLUMN_DEG)
    profile = 0.5 * (1.0 + np.cos(angle[:, None] - d7_angle[None, :] - peak))
    weights[("EPG", "D7")] = -gains.d7_to_epg * profile
    weights[("PEN", "D7")] = -gains.d7_to_pen * profile
    weights[("PEG", "D7")] = -gains.d7_to_peg * profile

    return FlyCompassWiring(
        sizes={"EPG": column.size, "PEN": column.size, "PEG": column.size, "D7": N_COLUMNS},
        column={"EPG": column, "PEN": column, "PEG": column, "D7": d7_column},
        side={"EPG": side, "PEN": side, "PEG": side, "D7": np.full(N_COLUMNS, "")},
        weights=weights,
    )


@dataclass(frozen=True)
class FlyModelConfig:
    """Time constants, biases and inputs of the fly rate model (chosen, not measured).

    Parameters
    ----------
    tau_seconds : float
        Time constant of every neuron.
    dt_seconds : float
        Euler step; AV is given per step of this size.
    bias_epg, bias_pen, bias_peg, bias_d7 : float
        Constant input to each population.
    av_gain : float
        Input to left-PB P-ENs per rad/s of AV; right-PB P-ENs get the
        negative. 0.25 makes the bump move at about the AV.
    cue_gain : float
        Peak of the cosine-shaped visual cue given to the E-PGs at the start.
    cue_seconds : float
        Duration of the cue that places the bump at the initial heading.
    """

    tau_seconds: float = 0.05
    dt_seconds: float = 0.001
    bias_epg: float = -0.2
    bias_pen: float = 0.3
    bias_peg: float = -0.2
    bias_d7: float = 0.0
    av_gain: float = 0.25
    cue_gain: float = 2.0
    cue_seconds: float = 0.2

    def __post_init__(self):
        check_positive("tau_seconds", self.tau_seconds)
        check_positive("dt_seconds", self.dt_seconds)
        if self.dt_seconds > 0.1 * self.tau_seconds:
            raise ValueError(
                f"dt_seconds={self.dt_seconds} is above tau_seconds / 10 = "
                f"{0.1 * self.tau_seconds}; use a smaller step for a stable Euler integration."
            )
        if not self.cue_seconds >= 0:
            raise ValueError(f"cue_seconds={self.cue_seconds!r} is invalid; use seconds >= 0.")


@dataclass(frozen=True)
class FlySimulation:
    """Result of :func:`simulate_fly_compass`.

    Attributes
    ----------
    times : ndarray, shape (steps,)
        Seconds.
    rates : ndarray, shape (steps, neurons)
        Rates of all neurons in the order of ``wiring.slices``.
    bump_angle : ndarray, shape (steps,)
        Population-vector angle of the E-PG activity in radians, unwrapped
        (it may leave ``[0, 2*pi)``); NaN while the E-PGs are silent.
    wiring : FlyCompassWiring
    """

    times: np.ndarray
    rates: np.ndarray
    bump_angle: np.ndarray
    wiring: FlyCompassWiring

    def population_rates(self, population: str) -> np.ndarray:
        """Rates of one population, shape (steps, neurons)."""
        return self.rates[:, self.wiring.slices[population]]


def _retanh(x):
    return np.maximum(np.tanh(x), 0.0)


def bump_angle(epg_rates, wiring: FlyCompassWiring) -> np.ndarray:
    """Return the population-vector angle of E-PG rates in radians, unwrapped over time.

    Parameters
    ----------
    epg_rates : array, shape (steps, 16)
    wiring : FlyCompassWiring

    Returns
    -------
    ndarray, shape (steps,)
        NaN at steps where every E-PG is silent.
    """
    epg_rates = np.asarray(epg_rates, dtype=float)
    angles = np.radians(wiring.angle_deg("EPG"))
    resultant = epg_rates @ np.exp(1j * angles)
    silent = epg_rates.sum(axis=1) <= 1e-9
    angle = np.angle(resultant)
    if silent.all():
        return np.full(angle.shape, np.nan)

    unwrapped = np.full(angle.shape, np.nan)
    unwrapped[~silent] = np.unwrap(angle[~silent])
    return unwrapped


def simulate_fly_compass(
    av_rad_per_s,
    initial_heading: float = 0.0,
    wiring: FlyCompassWiring | None = None,
    config: FlyModelConfig | None = None,
    rate_noise_sd: float = 0.0,
    rng=None,
) -> FlySimulation:
    """Simulate the fly compass driven by AV.

    A cosine-shaped cue at ``initial_heading`` drives the E-PGs during the
    first ``config.cue_seconds`` and places the bump. Afterwards only the AV
    input to the P-ENs and the recurrent wiring act. Give zero AV during the
    cue.

    Parameters
    ----------
    av_rad_per_s : array, shape (steps,)
        AV in radians per second at each step of ``config.dt_seconds``;
        positive increases the bump angle.
    initial_heading : float
        Cue angle in radians.
    wiring : FlyCompassWiring, optional
        Default: ``build_fly_wiring()``.
    config : FlyModelConfig, optional
    rate_noise_sd : float
        SD of Gaussian noise added to every rate at every step (0 for none).
    rng : numpy.random.Generator or int, optional
        Source of the rate noise; required when ``rate_noise_sd > 0``.

    Returns
    -------
    FlySimulation
    """
    wiring = wiring if wiring is not None else build_fly_wiring()
    config = config if config is not None else FlyModelConfig()
    av = np.asarray(av_rad_per_s, dtype=float)
    if av.ndim != 1 or av.size == 0 or not np.all(np.isfinite(av)):
        raise ValueError(
            f"av_rad_per_s has shape {av.shape}; expected a non-empty 1-D array of finite AV "
            "values in rad/s, one per step of config.dt_seconds."
        )
    if not np.isfinite(initial_heading):
        raise ValueError(f"initial_heading={initial_heading!r} is invalid; use radians.")
    if rate_noise_sd < 0 or not np.isfinite(rate_noise_sd):
        raise ValueError(f"rate_noise_sd={rate_noise_sd!r} is invalid; use a non-negative number.")
    if rate_noise_sd > 0 and rng is None:
        raise ValueError("rate_noise_sd > 0 needs rng (a numpy Generator or an int seed) for reproducible noise.")
    generator = as_generator(rng) if rate_noise_sd > 0 else None

    slices = wiring.slices
    weights = wiring.matrix()
    bias = np.zeros(wiring.n_neurons)
    bias[slices["EPG"]] = config.bias_epg
    bias[slices["PEN"]] = config.bias_pen
    bias[slices["PEG"]] = config.bias_peg
    bias[slices["D7"]] = config.bias_d7

    # AV excites left-PB P-ENs and inhibits right-PB P-ENs (push-pull), the two
    # populations being tuned to opposite turn directions (Turner-Evans et al.
    # 2017; Green et al. 2017).
    av_direction = np.zeros(wiring.n_neurons)
    av_direction[slices["PEN"]] = np.where(wiring.side["PEN"] == "L", 1.0, -1.0)

    cue = np.zeros(wiring.n_neurons)
    epg_angle = np.radians(wiring.angle_deg("EPG"))
    cue[slices["EPG"]] = config.cue_gain * np.maximum(np.cos(epg_angle - initial_heading), 0.0)
    cue_steps = int(round(config.cue_seconds / config.dt_seconds))

    alpha = config.dt_seconds / config.tau_seconds
    rates = np.zeros(wiring.n_neurons)
    history = np.empty((av.size, wiring.n_neurons))
    for step in range(av.size):
        drive = weights @ rates + bias + config.av_gain * av[step] * av_direction
        if step < cue_steps:
            drive = drive + cue
        rates = rates + alpha * (_retanh(drive) - rates)
        if generator is not None:
            rates = np.maximum(rates + rate_noise_sd * generator.standard_normal(rates.size), 0.0)
        history[step] = rates

    return FlySimulation(
        times=np.arange(1, av.size + 1) * config.dt_seconds,
        rates=history,
        bump_angle=bump_angle(history[:, slices["EPG"]], wiring),
        wiring=wiring,
    )
