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

from dataclasses import dataclass

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
    that take as long as the arithmetic, and slicing a buffer at every step
    costs Python time, so the buffers and their per-step views are made once
    per batch shape and reused.
    """

    NAMES = ("states", "clean_rates", "rates", "noise", "drive", "slope", "d_states", "d_rates_direct")

    def __init__(self):
        self._shape = None

    def buffers(self, n_steps, n_trials, n_units, dtype):
        shape = (n_steps, n_trials, n_units, dtype)
        if shape != self._shape:
            for name in self.NAMES:
                full = torch.empty(n_steps + 1, n_trials, n_units, dtype=dtype)
                setattr(self, name, full)
                setattr(self, name + "_steps", full.unbind(0))
            self.carry = torch.empty(n_trials, n_units, dtype=dtype)
            self._shape = shape
        return self


def loss_and_gradients(
    model,
    inputs,
    targets,
    loss_mask,
    rate_noise_sd: float = 0.0,
    generator: torch.Generator | None = None,
    rate_penalty: float = 0.01,
    workspace: BPTTWorkspace | None = None,
    rate_noise=None,
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
    rate_noise_sd : float
        SD of the Gaussian noise added to the rates, drawn from ``generator``.
    generator : torch.Generator, optional
        Source of the rate noise; required when ``rate_noise_sd > 0``.
    rate_penalty : float
        Weight of ``mean(r**2)`` before the scaling described above.
    workspace : BPTTWorkspace, optional
        Buffers to reuse between calls.
    rate_noise : Tensor, shape (steps + 1, trials, units), optional
        Explicit rate noise in place of ``rate_noise_sd`` (the first step is
        for the initial state); used by the gradient tests.

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
        dtype = w_rec.dtype
        work = (workspace or BPTTWorkspace()).buffers(n_steps, n_trials, n_units, dtype)

        u = inputs.transpose(0, 1).to(dtype).reshape(-1, n_inputs)
        z = targets.transpose(0, 1).to(dtype)
        m = loss_mask.transpose(0, 1).to(dtype).unsqueeze(-1)

        noise_steps = None
        if rate_noise is not None:
            noise_steps = rate_noise.to(dtype).unbind(0)
        elif rate_noise_sd > 0:
            if generator is None:
                raise ValueError("rate_noise_sd > 0 needs a torch.Generator for the noise.")
            work.noise.normal_(0.0, rate_noise_sd, generator=generator)
            noise_steps = work.noise_steps

        # Forward pass, time first so that each step's slice is contiguous:
        # x[t] = (1-a) x[t-1] + a (r[t-1] W^T + W_in u[t] + b), r = retanh(x) + noise.
        # Index t of the buffers is step t, with t = 0 the initial state.
        states, clean = work.states_steps, work.clean_rates_steps
        rates = work.rates_steps if noise_steps is not None else clean
        drive = work.drive_steps
        torch.addmm(
            model.bias.detach(), u, model.w_in.detach().T, alpha=alpha, beta=alpha,
            out=work.drive[:n_steps].view(-1, n_units),
        )

        states[0].copy_(model.initial_state.detach())
        _retanh_with_noise(states[0], clean[0], rates[0], None if noise_steps is None else noise_steps[0])
        scaled_w_rec_t = (alpha * w_rec).T.contiguous()
        for t in range(1, n_steps + 1):
            torch.addmm(drive[t - 1], rates[t - 1], scaled_w_rec_t, out=states[t])
            states[t].add_(states[t - 1], alpha=1.0 - alpha)
            step_noise = None if noise_steps is None else noise_steps[t]
            _retanh_with_noise(states[t], clean[t], rates[t], step_noise)

        # Loss, on all steps at once.
        all_rates = work.rates if noise_steps is not None else work.clean_rates
        all_clean = work.clean_rates[1:]
        outputs = all_rates[1:] @ w_out.T
        residual = (outputs - z) * m
        n_counted = m.sum() * z.shape[-1]
        task = (residual**2).sum() / n_counted
        flat_clean = all_clean.reshape(-1)
        penalty = torch.dot(flat_clean, flat_clean) / flat_clean.numel()
        penalty_weight = rate_penalty
        if rate_penalty > 0 and rate_penalty * penalty > 0.5 * task:
            penalty_weight = float(0.5 * task / penalty)
        total = task + penalty_weight * penalty

        # Backward pass. Index i of these buffers is step i + 1.
        # slope = dr/dx = 1 - r^2 where r > 0, else 0.
        slope_all = work.slope[:n_steps]
        torch.sign(all_clean, out=slope_all)
        slope_all.addcmul_(slope_all, all_clean * all_clean, value=-1.0)

        # Gradient reaching each step's rates directly: from the readout, and
        # from the penalty, d(pw * mean r^2)/dr = 2 pw r / count.
        d_outputs = 2.0 * residual / n_counted
        penalty_scale = 2.0 * penalty_weight / flat_clean.numel()
        torch.addmm(
            all_clean.reshape(-1, n_units), d_outputs.reshape(-1, z.shape[-1]), w_out,
            beta=penalty_scale, out=work.d_rates_direct[:n_steps].view(-1, n_units),
        )

        slope, d_rates_direct = work.slope_steps, work.d_rates_direct_steps
        d_states, carry = work.d_states_steps, work.carry
        scaled_w_rec = (alpha * w_rec).contiguous()
        last = n_steps - 1
        torch.mul(d_rates_direct[last], slope[last], out=d_states[last])
        for i in range(last - 1, -1, -1):
            torch.addmm(d_rates_direct[i], d_states[i + 1], scaled_w_rec, out=carry)
            torch.mul(carry, slope[i], out=d_states[i])
            d_states[i].add_(d_states[i + 1], alpha=1.0 - alpha)

        # The learned initial state enters through x[0] and r[0].
        x0 = states[0]
        slope0 = (1.0 - torch.tanh(x0) ** 2).masked_fill_(x0 <= 0, 0.0)
        d_x0 = (d_states[0] @ scaled_w_rec) * slope0 + (1.0 - alpha) * d_states[0]

        flat_d_states = work.d_states[:n_steps].reshape(-1, n_units)
        model.w_rec.grad = alpha * (flat_d_states.T @ all_rates[:-1].reshape(-1, n_units))
        model.w_in.grad = alpha * (flat_d_states.T @ u)
        model.bias.grad = alpha * flat_d_states.sum(0)
        model.w_out.grad = d_outputs.reshape(-1, z.shape[-1]).T @ all_rates[1:].reshape(-1, n_units)
        model.initial_state.grad = d_x0.sum(0)

        normalized = float((residual**2).sum() / (m.sum() * target_variance(z, m)))

    return LossTerms(
        total=float(total), task=float(task), penalty=float(penalty), normalized_error=normalized
    )


def _retanh_with_noise(x, clean_out, rates_out, noise):
    torch.tanh(x, out=clean_out)
    clean_out.clamp_(min=0.0)
    if noise is not None:
        torch.add(clean_out, noise, out=rates_out)


def target_variance(z, m):
    """Sum over outputs of the variance of targets ``z`` where mask ``m`` is 1.

    ``z`` has shape (..., outputs) and ``m`` broadcasts against it.
    """
    count = m.sum() * z.shape[-1] / z.shape[-1]
    mean = (z * m).sum(tuple(range(z.ndim - 1))) / count
    return (((z - mean) * m) ** 2).sum() / count
