"""Population dynamics of a head-direction network: PCA ring, slow points, drift and integration gain.

A network that integrates angular velocity (AV) should keep its activity on
a ring of states, one per heading, that barely moves when AV is zero: a ring
attractor. The activity should move along that ring at the speed of the AV
input. The tools here test each part:

- :func:`pca_ring`: the share of rate variance in the first principal
  components, and the rates projected onto them;
- :func:`find_slow_points`: states where the autonomous dynamics at zero AV
  (no cue) nearly stop, found by minimising ``q(x) = 0.5 * ||F(x)||^2`` from
  many starts (Sussillo & Barak 2013, Neural Computation 25:626), with the
  Jacobian eigenvalues at each;
- :func:`bump_drift`: how fast the decoded heading drifts over long trials at
  zero AV, in degrees per second;
- :func:`integration_gain`: decoded-heading speed over input AV for constant
  AVs, including AVs beyond those seen in training.

``F`` is the right-hand side of the continuous-time dynamics of
``hdlesson.model`` with zero input, ``tau * dx/dt = F(x) = -x + W_rec r(x) + b``,
``r = max(0, tanh x)``. Positive AV and positive drift are counter-clockwise
(CCW), the sign convention of ``hdlesson.analysis``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from hdlesson.analysis._arrays import check_finite, heading_slope, to_numpy
from hdlesson.evaluate import task_of
from hdlesson.heading import build_inputs, decode_heading
from hdlesson.model import retanh
from hdlesson.validation import check_positive, check_positive_int


@dataclass(frozen=True)
class PCAResult:
    """Principal components of unit rates.

    Attributes
    ----------
    explained_variance_ratio : ndarray, shape (units,)
        Share of the total rate variance in each component, largest first.
    components : ndarray, shape (n_components, units)
        Unit-norm principal axes.
    mean : ndarray, shape (units,)
        Mean rate of each unit.
    projection : ndarray, shape (..., n_components)
        Rates projected onto the components, with the leading shape of the
        rates passed in.
    """

    explained_variance_ratio: np.ndarray
    components: np.ndarray
    mean: np.ndarray
    projection: np.ndarray

    @property
    def variance_explained_2d(self) -> float:
        """Share of the variance in the first two components."""
        return float(self.explained_variance_ratio[:2].sum())


@dataclass(frozen=True)
class SlowPoints:
    """States where the autonomous dynamics at zero AV nearly stop.

    Attributes
    ----------
    states : ndarray, shape (points, units)
        Unit states ``x`` (before the rate function).
    rates : ndarray, shape (points, units)
        ``max(0, tanh x)`` at each point.
    q : ndarray, shape (points,)
        ``0.5 * ||F(x)||^2`` at each point (dimensionless; the state moves
        at ``||F|| / tau`` per second).
    heading : ndarray, shape (points,)
        Heading decoded from the readout at each point, radians in ``[0, 2*pi)``.
    output_norm : ndarray, shape (points,)
        Norm of the sin/cos readout at each point.
    eigenvalues : ndarray, shape (points, units), complex
        Eigenvalues of the Jacobian ``dF/dx``, sorted by decreasing real
        part. A perturbation along an eigenvector decays at rate
        ``-real / tau`` per second. On a ring attractor one eigenvalue, along
        the ring, is near 0 and the rest are negative.
    n_starts : int
        Number of starting states, before points with large ``q`` were dropped.
    """

    states: np.ndarray
    rates: np.ndarray
    q: np.ndarray
    heading: np.ndarray
    output_norm: np.ndarray
    eigenvalues: np.ndarray
    n_starts: int

    @property
    def max_real_eigenvalue(self) -> np.ndarray:
        """Largest real part of the Jacobian eigenvalues at each point, shape (points,)."""
        return self.eigenvalues[:, 0].real


@dataclass(frozen=True)
class DriftResult:
    """Drift of the decoded heading over zero-AV trials.

    Attributes
    ----------
    initial_heading : ndarray, shape (trials,)
        Cued heading in radians.
    drift_deg_per_s : ndarray, shape (trials,)
        Least-squares slope of the unwrapped decoded heading after
        ``settle_steps``, degrees per second; positive is CCW.
    heading : ndarray, shape (trials, steps)
        Decoded heading in radians, in ``[0, 2*pi)``.
    output_norm : ndarray, shape (trials,)
        Mean norm of the sin/cos readout after ``settle_steps``; near 0 means
        no bump, and then the drift is meaningless.
    """

    initial_heading: np.ndarray
    drift_deg_per_s: np.ndarray
    heading: np.ndarray
    output_norm: np.ndarray

    @property
    def mean_abs_drift_deg_per_s(self) -> float:
        return float(np.mean(np.abs(self.drift_deg_per_s)))


@dataclass(frozen=True)
class GainResult:
    """Decoded-heading speed under constant AV.

    Attributes
    ----------
    av_rad_per_s : ndarray, shape (avs,)
        Input AV in radians per second.
    speed_rad_per_s : ndarray, shape (avs,)
        Mean over trials of the decoded-heading speed after ``settle_steps``,
        radians per second.
    gain : ndarray, shape (avs,)
        ``speed_rad_per_s / av_rad_per_s``; 1 is perfect integration, NaN
        at zero AV.
    output_norm : ndarray, shape (avs,)
        Mean norm of the sin/cos readout after ``settle_steps``.
    trained_av_sd_rad_per_s : float
        Stationary SD of AV in the task the network was trained on, to mark
        which AVs lie beyond the trained range.
    """

    av_rad_per_s: np.ndarray
    speed_rad_per_s: np.ndarray
    gain: np.ndarray
    output_norm: np.ndarray
    trained_av_sd_rad_per_s: float


def simulate_states(model, inputs, initial_state=None) -> torch.Tensor:
    """Run a network and return its states ``x`` rather than its rates.

    Parameters
    ----------
    model : HDRNN
    inputs : array or Tensor, shape (trials, steps, 3)
        AV in radians per step, then the sin/cos cue.
    initial_state : Tensor, shape (trials, units), optional
        The learned initial state by default.

    Returns
    -------
    Tensor, shape (trials, steps, units)
        State after each step; ``retanh`` of it gives the rates that
        ``model(inputs)`` returns (without rate noise).
    """
    inputs = torch.as_tensor(to_numpy("inputs", inputs), dtype=model.w_rec.dtype)
    if inputs.ndim != 3 or inputs.shape[-1] != model.w_in.shape[1]:
        raise ValueError(
            f"inputs has shape {tuple(inputs.shape)}; expected (trials, steps, "
            f"{model.w_in.shape[1]})."
        )
    with torch.no_grad():
        drive = inputs @ model.w_in.T + model.bias
        if initial_state is None:
            x = model.initial_state.expand(inputs.shape[0], -1)
        else:
            x = torch.as_tensor(initial_state, dtype=model.w_rec.dtype)
        states = []
        for t in range(inputs.shape[1]):
            x = (1 - model.alpha) * x + model.alpha * (retanh(x) @ model.w_rec.T + drive[:, t])
            states.append(x)
    return torch.stack(states, dim=1)


def pca_ring(rates, n_components: int = 2) -> PCAResult:
    """Project rates onto their principal components.

    Parameters
    ----------
    rates : array or Tensor, shape (trials, steps, units) or (samples, units)
        Unit rates; leave out the cue steps.
    n_components : int
        Number of components to project onto.

    Returns
    -------
    PCAResult
        ``variance_explained_2d`` is close to 1 when the rates lie on a flat
        ring, as for a bump of fixed shape moving around a ring attractor.
    """
    rates = to_numpy("rates", rates)
    if rates.ndim not in (2, 3):
        raise ValueError(f"rates has shape {rates.shape}; expected (trials, steps, units) or (samples, units).")
    check_finite("rates", rates)
    n_units = rates.shape[-1]
    if isinstance(n_components, bool) or not isinstance(n_components, (int, np.integer)) \
            or not 1 <= n_components <= n_units:
        raise ValueError(f"n_components={n_components!r} is invalid; use an integer in [1, {n_units}].")
    samples = rates.reshape(-1, n_units)

    # Accumulate the covariance in float64 over chunks to bound memory.
    mean = samples.mean(axis=0, dtype=np.float64)
    covariance = np.zeros((n_units, n_units))
    for start in range(0, samples.shape[0], 50_000):
        centred = samples[start:start + 50_000].astype(np.float64) - mean
        covariance += centred.T @ centred
    covariance /= max(samples.shape[0] - 1, 1)

    variances, axes = np.linalg.eigh(covariance)
    variances, axes = variances[::-1].clip(min=0.0), axes[:, ::-1]
    total = variances.sum()
    if total <= 0:
        raise ValueError("rates have zero variance, so no principal component exists; pass rates that vary.")
    components = axes[:, :n_components].T
    projection = (samples - mean) @ components.T
    return PCAResult(
        explained_variance_ratio=variances / total,
        components=components,
        mean=mean,
        projection=projection.reshape(rates.shape[:-1] + (n_components,)),
    )


def speed_function(model, states: torch.Tensor) -> torch.Tensor:
    """Return ``F(x) = -x + W_rec r(x) + b``, the zero-input dynamics times tau, shape like ``states``."""
    return -states + retanh(states) @ model.w_rec.T + model.bias


def find_slow_points(model, n_starts: int = 256, seed: int = 0, start_states=None,
                     start_noise_sd: float = 0.1, n_iterations: int = 2000,
                     learning_rate: float = 0.02, q_tolerance: float = 1e-5) -> SlowPoints:
    """Find slow points of the autonomous zero-AV dynamics by minimising q from many starts.

    All starts are optimised together as one batch with Adam.

    Parameters
    ----------
    model : HDRNN
    n_starts : int
        Number of starting states when ``start_states`` is None.
    seed : int
        Seed of the trials that provide the starting states and of the noise
        added to them.
    start_states : array, shape (starts, units), optional
        Starting states ``x``. By default, states visited on fresh task
        trials (after the cue), plus Gaussian noise of SD ``start_noise_sd``.
    start_noise_sd : float
        SD of the noise added to default starting states.
    n_iterations : int
        Adam steps.
    learning_rate : float
        Adam learning rate, in units of the state ``x``.
    q_tolerance : float
        Points with ``q`` above this are dropped. The default 1e-5 keeps
        points where the state moves by less than about 0.05 per second
        (``||F|| / tau`` with tau = 0.1 s), while rates lie in ``[0, 1)``.

    Returns
    -------
    SlowPoints
        May hold no point if none reached ``q_tolerance``; raise
        ``n_iterations`` or ``q_tolerance`` then.
    """
    check_positive_int("n_iterations", n_iterations)
    check_positive("learning_rate", learning_rate)
    check_positive("q_tolerance", q_tolerance)
    rng = np.random.default_rng(seed)
    if start_states is None:
        check_positive_int("n_starts", n_starts)
        start_states = _visited_states(model, n_starts, rng)
        start_states = start_states + start_noise_sd * rng.standard_normal(start_states.shape)
    start_states = to_numpy("start_states", start_states, float)
    if start_states.ndim != 2 or start_states.shape[1] != model.n_units:
        raise ValueError(
            f"start_states has shape {start_states.shape}; expected (starts, {model.n_units})."
        )
    check_finite("start_states", start_states)

    states = torch.tensor(start_states, dtype=model.w_rec.dtype, requires_grad=True)
    optimizer = torch.optim.Adam([states], lr=learning_rate)
    parameters = [model.w_rec, model.bias]
    was_required = [p.requires_grad for p in parameters]
    try:
        for p in parameters:
            p.requires_grad_(False)
        for _ in range(n_iterations):
            optimizer.zero_grad()
            q = 0.5 * speed_function(model, states).pow(2).sum(dim=1)
            q.sum().backward()
            optimizer.step()
    finally:
        for p, required in zip(parameters, was_required):
            p.requires_grad_(required)

    with torch.no_grad():
        states = states.detach()
        q = 0.5 * speed_function(model, states).pow(2).sum(dim=1)
        keep = q <= q_tolerance
        states, q = states[keep], q[keep]
        rates = retanh(states)
        outputs = rates @ model.w_out.T

    eigenvalues = _jacobian_eigenvalues(model, states)
    return SlowPoints(
        states=states.numpy().astype(float),
        rates=rates.numpy().astype(float),
        q=q.numpy().astype(float),
        heading=decode_heading(outputs),
        output_norm=np.linalg.norm(outputs.numpy().astype(float), axis=1),
        eigenvalues=eigenvalues,
        n_starts=int(start_states.shape[0]),
    )


def bump_drift(model, n_trials: int = 32, n_steps: int = 1000, settle_steps: int = 100,
               seed: int = 0) -> DriftResult:
    """Measure how fast the decoded heading drifts at zero AV.

    Parameters
    ----------
    model : HDRNN
    n_trials : int
        Trials, with cued headings evenly spaced around the circle from a
        random starting angle.
    n_steps : int
        Steps per trial (1000 steps of 10 ms are 10 s).
    settle_steps : int
        Steps left out at the start (cue and bump formation).
    seed : int
        Seed of the starting angle.

    Returns
    -------
    DriftResult
    """
    check_positive_int("n_trials", n_trials)
    _check_settle(n_steps, settle_steps)
    offset = np.random.default_rng(seed).uniform(0.0, 2 * np.pi / n_trials)
    initial = offset + 2 * np.pi * np.arange(n_trials) / n_trials
    heading, norm = _run_constant_av(model, np.zeros(n_trials), initial, n_steps)

    slope = heading_slope(heading[:, settle_steps:])
    return DriftResult(
        initial_heading=initial,
        drift_deg_per_s=np.degrees(slope) / model.dt,
        heading=heading,
        output_norm=norm[:, settle_steps:].mean(axis=1),
    )


def integration_gain(model, av_rad_per_s=None, n_trials_per_av: int = 8, n_steps: int = 300,
                     settle_steps: int = 100, seed: int = 0, task=None) -> GainResult:
    """Measure decoded-heading speed over input AV at constant AVs.

    Parameters
    ----------
    model : HDRNN
    av_rad_per_s : array, shape (avs,), optional
        Constant AVs in radians per second. By default -4 to 4 times the
        stationary AV SD of the training task, which reaches beyond the range
        the network saw.
    n_trials_per_av : int
        Trials per AV, with random cued headings.
    n_steps : int
        Steps per trial.
    settle_steps : int
        Steps left out at the start, while the bump forms and speeds up.
    seed : int
        Seed of the cued headings.
    task : Task, optional
        Training task, for its AV SD; ``task_of(model)`` by default.

    Returns
    -------
    GainResult
    """
    check_positive_int("n_trials_per_av", n_trials_per_av)
    _check_settle(n_steps, settle_steps)
    task = task or task_of(model)
    if av_rad_per_s is None:
        av_rad_per_s = np.array([-4, -3, -2, -1, -0.5, -0.25, 0.25, 0.5, 1, 2, 3, 4]) * task.av_sd_rad_per_s
    av = to_numpy("av_rad_per_s", av_rad_per_s, float).ravel()
    check_finite("av_rad_per_s", av)

    rng = np.random.default_rng(seed)
    trial_av = np.repeat(av, n_trials_per_av)
    initial = rng.uniform(0.0, 2 * np.pi, trial_av.size)
    heading, norm = _run_constant_av(model, trial_av, initial, n_steps)

    speed = heading_slope(heading[:, settle_steps:]) / model.dt
    speed = speed.reshape(av.size, n_trials_per_av).mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        gain = np.where(av != 0, speed / np.where(av != 0, av, 1.0), np.nan)
    return GainResult(
        av_rad_per_s=av,
        speed_rad_per_s=speed,
        gain=gain,
        output_norm=norm[:, settle_steps:].mean(axis=1).reshape(av.size, n_trials_per_av).mean(axis=1),
        trained_av_sd_rad_per_s=float(task.av_sd_rad_per_s),
    )


def _visited_states(model, n_states, rng):
    """Sample ``n_states`` states visited after the cue on fresh task trials."""
    task = task_of(model)
    n_trials = max(1, min(n_states, 64))
    trials = task.sample(n_trials, rng)
    states = simulate_states(model, trials.inputs).numpy().astype(float)
    trial = rng.integers(0, n_trials, n_states)
    step = rng.integers(task.cue_steps, task.n_steps, n_states)
    return states[trial, step]


def _jacobian_eigenvalues(model, states):
    """Eigenvalues of dF/dx = -I + W_rec diag(r'(x)) at each state, sorted by decreasing real part."""
    n_units = model.n_units
    if states.shape[0] == 0:
        return np.zeros((0, n_units), dtype=complex)
    with torch.no_grad():
        tanh = torch.tanh(states)
        slope = torch.where(tanh > 0, 1 - tanh**2, torch.zeros_like(tanh))
        jacobian = model.w_rec[None, :, :] * slope[:, None, :] - torch.eye(n_units)
    eigenvalues = np.linalg.eigvals(jacobian.numpy().astype(float))
    order = np.argsort(-eigenvalues.real, axis=1)
    return np.take_along_axis(eigenvalues, order, axis=1)


def _run_constant_av(model, av_rad_per_s, initial_heading, n_steps):
    """Run trials of constant AV after the cue; return decoded heading (rad) and output norm."""
    task = task_of(model)
    av_per_step = np.repeat(av_rad_per_s[:, None] * model.dt, n_steps, axis=1)
    inputs = build_inputs(av_per_step, initial_heading, task.cue_steps)
    with torch.no_grad():
        outputs, _ = model(torch.from_numpy(inputs))
    outputs = outputs.numpy().astype(float)
    return decode_heading(outputs), np.linalg.norm(outputs, axis=-1)


def _check_settle(n_steps, settle_steps):
    check_positive_int("n_steps", n_steps)
    if isinstance(settle_steps, bool) or not isinstance(settle_steps, (int, np.integer)) \
            or not 0 <= settle_steps <= n_steps - 2:
        raise ValueError(
            f"settle_steps={settle_steps!r} is invalid for n_steps={n_steps}; use an integer in "
            f"[0, {n_steps - 2}] so that at least two steps remain for the fit."
        )
