"""Loss and gradients of the HD network by a hand-written backward pass.

PyTorch's autograd records every small operation of each of the 500 time
steps and replays them backward, which costs far more than the arithmetic.
Here the forward pass stores only the states and rates, and the backward pass
of backpropagation through time needs one matrix product and two element-wise
operations per step. Everything that does not depend on the recurrence (the
readout, the rate-function derivatives, the weight gradients) is computed for
all steps at once, in buffers that are reused from one update to the next.
``tests/test_bptt.py`` checks the gradients against autograd.

The loss is the mean squared error of the sin/cos readout over the steps after
the cue, plus an L2 penalty on the rates, ``rate_penalty * mean(r**2)``, whose
weight is scaled down whenever the penalty exceeds half the task error (the
recipe of the first author's PyTorch code for Cueva et al. 2020).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Optional

import torch


@dataclass
class LossTerms:
    """Value of the loss and its parts for one batch.

    ``normalized_error`` is the sum of squared output errors over the summed
    variance of the targets, on the steps after the cue.
    """

    total: float
    task: float
    penalty: float
    normalized_error: float


class BPTTWorkspace:
    """Buffers for the forward and backward pass, kept between updates.

    Allocating ~100 MB of fresh buffers for every update costs page faults
    that take as long as the arithmetic. Slicing a buffer at every step costs
    Python time. So the buffers and their per-step views are made once per
    batch shape and reused.
    """

    def __init__(self):
        self._shape = None

    def buffers(self, n_steps, n_trials, n_units, n_inputs, dtype):
        shape = (n_steps, n_trials, n_units, n_inputs, dtype)
        if shape == self._shape:
            return self
        full = (n_steps + 1, n_trials, n_units)
        self.states = torch.empty(full, dtype=dtype)
        self.clean_rates = torch.empty(full, dtype=dtype)
        # Each row of presynaptic contains a step's noisy rates, the next step's
        # inputs and a constant 1, so that one matrix product applies the
        # recurrent weights, the input weights and the bias together.
        self.presynaptic = torch.empty(n_steps + 1, n_trials, n_units + n_inputs + 1, dtype=dtype)
        self.slope = torch.empty(n_steps, n_trials, n_units, dtype=dtype)
        self.direct = torch.empty(n_steps, n_trials, n_units, dtype=dtype)
        self.d_states = torch.empty(n_steps, n_trials, n_units, dtype=dtype)
        self.carry = torch.empty(n_trials, n_units, dtype=dtype)
        for name in ("states", "clean_rates", "presynaptic", "slope", "direct", "d_states"):
            setattr(self, name + "_steps", getattr(self, name).unbind(0))
        self._shape = shape
        return self


def loss_and_gradients(
    model,
    inputs,
    targets,
    loss_mask,
    rate_noise=None,
    rate_penalty: float = 0.01,
    workspace: BPTTWorkspace | None = None,
):
    """Compute the training loss and write its gradients into ``param.grad``.

    Parameters
    ----------
    model : HDRNN
        The network; its parameters receive the gradients.
    inputs : Tensor, shape (trials, steps, 3)
        AV in radians per step and the sin/cos cue.
    targets : Tensor, shape (trials, steps, 2)
    loss_mask : Tensor, shape (trials, steps)
    rate_noise : Tensor, shape (steps + 1, trials, units), optional
        Noise added to the rates, time first; index 0 is for the initial state.
    rate_penalty : float
        Weight of ``mean(r**2)`` before the scaling described above.
    workspace : BPTTWorkspace, optional
        Buffers to reuse between calls.

    Returns
    -------
    LossTerms
    """
    with torch.no_grad():
        alpha = model.alpha
        w_rec = model.w_rec.detach()
        w_out = model.w_out.detach()
        n_trials, n_steps, n_inputs = inputs.shape
        n_units = w_rec.shape[0]
        n_outputs = w_out.shape[0]
        dtype = w_rec.dtype
        work = (workspace or BPTTWorkspace()).buffers(n_steps, n_trials, n_units, n_inputs, dtype)

        z = targets.transpose(0, 1).to(dtype)
        m = loss_mask.transpose(0, 1).to(dtype).unsqueeze(-1)

        presynaptic = work.presynaptic
        presynaptic[:-1, :, n_units:n_units + n_inputs] = inputs.transpose(0, 1)
        presynaptic[-1, :, n_units:n_units + n_inputs] = 0.0
        presynaptic[:, :, -1] = 1.0
        # x[t] = (1-a) x[t-1] + [r[t-1], u[t], 1] @ weights
        weights = torch.cat([alpha * w_rec.T, alpha * model.w_in.detach().T,
                             alpha * model.bias.detach()[None, :]])

        # Forward pass, time first so that each step's slice is contiguous.
        # Index t of the buffers is step t, with t = 0 the initial state.
        work.states[0].copy_(model.initial_state.detach())
        noise = rate_noise.to(dtype) if rate_noise is not None else None
        _forward_steps(work.states, work.clean_rates, work.presynaptic, weights, noise, alpha, n_units)
        states = work.states

        # Loss, on all steps at once. The readout is padded with zeros for the
        # input and bias columns of presynaptic.
        readout = torch.zeros(presynaptic.shape[-1], n_outputs, dtype=dtype)
        readout[:n_units] = w_out.T
        outputs = presynaptic[1:] @ readout
        residual = (outputs - z) * m
        n_counted = m.sum() * n_outputs
        task = (residual**2).sum() / n_counted
        all_clean = work.clean_rates[1:]
        flat_clean = all_clean.reshape(-1)
        penalty = torch.dot(flat_clean, flat_clean) / flat_clean.numel()
        penalty_weight = rate_penalty
        if rate_penalty > 0 and rate_penalty * penalty > 0.5 * task:
            penalty_weight = float(0.5 * task / penalty)
        total = task + penalty_weight * penalty

        # Backward pass. Index i of these buffers is step i + 1.
        # slope = dr/dx = 1 - r^2 where r > 0, else 0; as r >= 0 and r = 0
        # wherever x <= 0, that is sign(r) - r^2.
        slope = work.slope
        torch.sign(all_clean, out=slope)
        slope.addcmul_(all_clean, all_clean, value=-1.0)

        # Gradient reaching each step's states directly (not through later
        # steps): from the readout, and from the penalty pw * mean(r^2).
        d_outputs = 2.0 * residual / n_counted
        penalty_scale = 2.0 * penalty_weight / flat_clean.numel()
        torch.addmm(all_clean.reshape(-1, n_units), d_outputs.reshape(-1, n_outputs), w_out,
                    beta=penalty_scale, out=work.direct.view(-1, n_units))
        work.direct.mul_(slope)

        scaled_w_rec = (alpha * w_rec).contiguous()
        _backward_steps(work.d_states, work.direct, slope, scaled_w_rec, work.carry, alpha)
        d_states = work.d_states

        # The learned initial state enters through x[0] and r[0].
        x0 = states[0]
        slope0 = (1.0 - torch.tanh(x0) ** 2).masked_fill_(x0 <= 0, 0.0)
        d_x0 = (d_states[0] @ scaled_w_rec) * slope0 + (1.0 - alpha) * d_states[0]

        # One product gives the gradients of the recurrent weights, the input
        # weights and the bias.
        flat_d_states = work.d_states.view(-1, n_units)
        d_weights = flat_d_states.T @ presynaptic[:-1].reshape(-1, presynaptic.shape[-1])
        model.w_rec.grad = alpha * d_weights[:, :n_units]
        model.w_in.grad = alpha * d_weights[:, n_units:n_units + n_inputs]
        model.bias.grad = alpha * d_weights[:, -1]
        d_readout = d_outputs.reshape(-1, n_outputs).T @ presynaptic[1:].reshape(-1, presynaptic.shape[-1])
        model.w_out.grad = d_readout[:, :n_units].contiguous()
        model.initial_state.grad = d_x0.sum(0)

        normalized = float((residual**2).sum() / (m.sum() * target_variance(z, m)))

    return LossTerms(
        total=float(total), task=float(task), penalty=float(penalty), normalized_error=normalized
    )


def _forward_steps(states, clean, presynaptic, weights, noise: Optional[torch.Tensor],
                   alpha: float, n_units: int):
    """Run the recurrence; ``states[0]`` must hold the initial state.

    x[t] = (1-a) x[t-1] + presynaptic[t-1] @ weights, r[t] = max(0, tanh x[t]) + noise[t],
    with r[t] written into the first ``n_units`` columns of ``presynaptic[t]``.
    """
    for t in range(states.shape[0]):
        if t > 0:
            torch.addmm(states[t - 1], presynaptic[t - 1], weights, beta=1.0 - alpha, out=states[t])
        torch.tanh(states[t], out=clean[t])
        clean[t].clamp_(min=0.0)
        if noise is None:
            presynaptic[t, :, :n_units] = clean[t]
        else:
            torch.add(clean[t], noise[t], out=presynaptic[t, :, :n_units])


def _backward_steps(d_states, direct, slope, scaled_w_rec, carry, alpha: float):
    """Backpropagate through time: dx[i] = slope[i] (direct[i] + dx[i+1] a W) + (1-a) dx[i+1].

    ``direct`` already carries the slope factor. Index i is step i + 1.
    """
    last = d_states.shape[0] - 1
    d_states[last].copy_(direct[last])
    for offset in range(last):
        i = last - 1 - offset
        torch.mm(d_states[i + 1], scaled_w_rec, out=carry)
        torch.addcmul(direct[i], carry, slope[i], out=d_states[i])
        d_states[i].add_(d_states[i + 1], alpha=1.0 - alpha)


# TorchScript runs the two step loops without the Python interpreter's
# per-operation cost (about 10 ms of 80 ms per update at 500 steps).
# NOTE: TorchScript is deprecated since PyTorch 2.5; if scripting fails, the
# plain Python loops give the same result, only slower.
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        _forward_steps = torch.jit.script(_forward_steps)
        _backward_steps = torch.jit.script(_backward_steps)
except Exception:
    pass


def target_variance(z, m):
    """Sum over outputs of the variance of targets ``z`` where mask ``m`` is 1.

    ``z`` has shape (..., outputs) and ``m`` broadcasts against it.
    """
    count = m.sum() * z.shape[-1] / z.shape[-1]
    mean = (z * m).sum(tuple(range(z.ndim - 1))) / count
    return (((z - mean) * m) ** 2).sum() / count
