"""The continuous-time recurrent network that learns to track head direction.

One Euler step of size ``dt`` with time constant ``tau`` (``alpha = dt/tau``,
0.1 by default) updates the state ``x`` of the ``n_units`` units::

    x[t] = (1 - alpha) * x[t-1] + alpha * (W_rec @ r[t-1] + W_in @ u[t] + b)
    r[t] = max(0, tanh(x[t])) + noise[t]
    y[t] = W_out @ r[t]

with ``u`` the task inputs (AV and the cue) and ``y`` the sin/cos readout of
head direction. The rate noise (SD 0.1) is used in training only. The initial
state ``x[0]`` is learned. Initialisation follows the first author's PyTorch
code for this task (Cueva et al. 2020, arXiv:1912.10189): ``W_rec`` is
``1.5 * N(0, 1) / sqrt(n_units)`` with a zero diagonal, ``W_in`` is
``N(0, 1) / sqrt(3)``, ``W_out`` is zero and ``b`` is ``0.1 + 0.01 * N(0, 1)``.
"""

from __future__ import annotations

from dataclasses import dataclass, asdict

import numpy as np
import torch
from torch import nn

from hdlesson.validation import check_non_negative, check_positive, check_positive_int, check_seed

N_INPUTS = 3
N_OUTPUTS = 2


def retanh(x: torch.Tensor) -> torch.Tensor:
    """Rate function ``max(0, tanh(x))``."""
    return torch.clamp_min(torch.tanh(x), 0.0)


@dataclass(frozen=True)
class ModelConfig:
    """Size and time constants of the network.

    Parameters
    ----------
    n_units : int
        Number of recurrent units.
    dt_seconds : float
        Euler step in seconds.
    tau_seconds : float
        Time constant of each unit in seconds.
    rate_noise_sd : float
        SD of the Gaussian noise added to the rates in training.
    """

    n_units: int = 100
    dt_seconds: float = 0.01
    tau_seconds: float = 0.1
    rate_noise_sd: float = 0.1

    def __post_init__(self):
        check_positive_int("n_units", self.n_units)
        check_positive("dt_seconds", self.dt_seconds)
        check_positive("tau_seconds", self.tau_seconds)
        if self.dt_seconds > self.tau_seconds:
            raise ValueError(
                f"dt_seconds={self.dt_seconds} exceeds tau_seconds="
                f"{self.tau_seconds}, which makes the Euler step unstable; use "
                "dt_seconds <= tau_seconds (the recipe uses dt = tau / 10)."
            )
        check_non_negative("rate_noise_sd", self.rate_noise_sd)

    @property
    def alpha(self) -> float:
        """Euler step as a fraction of the time constant, ``dt / tau``."""
        return self.dt_seconds / self.tau_seconds

    def to_dict(self) -> dict:
        return asdict(self)


class HDRNN(nn.Module):
    """Continuous-time RNN with retanh rates and a sin/cos readout.

    Parameters
    ----------
    config : ModelConfig
        Size and time constants.
    generator : torch.Generator, optional
        Source of the initial weights; ``seed`` builds one when it is None.
    seed : int
        Seed of the initial weights when no generator is given.
    """

    def __init__(self, config: ModelConfig | None = None, generator=None, seed: int = 0):
        super().__init__()
        if config is not None and not isinstance(config, ModelConfig):
            raise TypeError(f"config={config!r} is invalid; pass a hdlesson.ModelConfig or None.")
        self.config = config if config is not None else ModelConfig()
        n = self.config.n_units
        if generator is None:
            check_seed("seed", seed)
            generator = torch.Generator().manual_seed(int(seed))

        w_rec = 1.5 * torch.randn(n, n, generator=generator) / np.sqrt(n)
        w_rec.fill_diagonal_(0.0)
        self.w_rec = nn.Parameter(w_rec)
        self.w_in = nn.Parameter(torch.randn(n, N_INPUTS, generator=generator) / np.sqrt(N_INPUTS))
        self.bias = nn.Parameter(0.1 + 0.01 * torch.randn(n, generator=generator))
        self.w_out = nn.Parameter(torch.zeros(N_OUTPUTS, n))
        self.initial_state = nn.Parameter(torch.zeros(n))

    @property
    def n_units(self) -> int:
        return self.config.n_units

    @property
    def dt(self) -> float:
        """Time step in seconds."""
        return self.config.dt_seconds

    @property
    def alpha(self) -> float:
        return self.config.alpha

    def forward(
        self,
        inputs,
        rate_noise_sd: float = 0.0,
        generator: torch.Generator | None = None,
        unit_mask=None,
        external_current=None,
        initial_state=None,
    ):
        """Run the network over a batch of trials.

        Parameters
        ----------
        inputs : array or Tensor, shape (trials, steps, 3)
            AV in radians per step, then sin and cos of the cue.
        rate_noise_sd : float
            SD of Gaussian noise added to the rates (0 outside training).
        generator : torch.Generator, optional
            Source of the rate noise; required when ``rate_noise_sd > 0``.
        unit_mask : array or Tensor, shape (steps, units) or (trials, steps, units), optional
            Multiplies the rates at each step: 0 silences a unit, 1 leaves it.
        external_current : array or Tensor, same shapes as ``unit_mask``, optional
            Current added to each unit's input at each step.
        initial_state : Tensor, shape (trials, units), optional
            Starting state; the learned initial state by default.

        Returns
        -------
        outputs : Tensor, shape (trials, steps, 2)
            sin and cos readout.
        rates : Tensor, shape (trials, steps, units)
            Unit rates after masking, including any rate noise.
        """
        inputs = _as_tensor("inputs", inputs, self.w_rec)
        if inputs.ndim != 3 or inputs.shape[-1] != N_INPUTS:
            raise ValueError(
                f"inputs has shape {tuple(inputs.shape)}; expected (trials, steps, "
                f"{N_INPUTS}) with AV in radians per step and the sin/cos cue."
            )
        n_trials, n_steps, _ = inputs.shape
        mask = _per_step("unit_mask", unit_mask, n_trials, n_steps, self.n_units, self.w_rec)
        current = _per_step(
            "external_current", external_current, n_trials, n_steps, self.n_units, self.w_rec
        )
        check_non_negative("rate_noise_sd", rate_noise_sd)
        if rate_noise_sd > 0 and generator is None:
            raise ValueError(
                "rate_noise_sd > 0 needs a torch.Generator so that the noise is "
                "reproducible; pass generator=torch.Generator().manual_seed(seed)."
            )

        alpha = self.alpha
        drive = inputs @ self.w_in.T + self.bias
        if current is not None:
            drive = drive + current

        if initial_state is None:
            x = self.initial_state.expand(n_trials, -1)
        else:
            x = initial_state
        r = self._rates(x, None if mask is None else mask[:, 0], rate_noise_sd, generator)

        outputs, rates = [], []
        for t in range(n_steps):
            x = (1 - alpha) * x + alpha * (r @ self.w_rec.T + drive[:, t])
            step_mask = None if mask is None else mask[:, t]
            r = self._rates(x, step_mask, rate_noise_sd, generator)
            rates.append(r)
            outputs.append(r @ self.w_out.T)

        return torch.stack(outputs, dim=1), torch.stack(rates, dim=1)

    def _rates(self, x, mask, noise_sd, generator):
        r = retanh(x)
        if noise_sd > 0:
            r = r + noise_sd * torch.randn(r.shape, generator=generator, dtype=r.dtype)
        if mask is not None:
            r = r * mask
        return r


def _as_tensor(name, value, like: torch.Tensor) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        tensor = value
    else:
        array = np.asarray(value)
        if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
            raise TypeError(
                f"{name} has dtype {array.dtype}; expected real numbers (float32 or float64)."
            )
        tensor = torch.from_numpy(np.ascontiguousarray(array))
    if not (tensor.is_floating_point() or tensor.dtype in (torch.int32, torch.int64)):
        raise TypeError(f"{name} has dtype {tensor.dtype}; expected real numbers.")
    tensor = tensor.to(like.dtype)
    if not torch.isfinite(tensor).all():
        raise ValueError(
            f"{name} contains NaN or infinite values; replace them before running "
            "the network (for example with numpy.nan_to_num or interpolation)."
        )
    return tensor


def _per_step(name, value, n_trials, n_steps, n_units, like):
    """Broadcast a (steps, units) or (trials, steps, units) array to the latter."""
    if value is None:
        return None
    tensor = _as_tensor(name, value, like)
    if tensor.ndim == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.ndim != 3 or tensor.shape[1:] != (n_steps, n_units) or tensor.shape[0] not in (1, n_trials):
        raise ValueError(
            f"{name} has shape {tuple(tensor.shape)}; expected ({n_steps}, {n_units}) "
            f"or ({n_trials}, {n_steps}, {n_units}) for {n_trials} trials of "
            f"{n_steps} steps and {n_units} units."
        )
    return tensor.expand(n_trials, n_steps, n_units)
