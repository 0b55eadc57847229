"""The hand-written backward pass must give autograd's gradients."""

import numpy as np
import pytest
import torch

from hdlesson import HDRNN, ModelConfig, Task
from hdlesson.bptt import BPTTWorkspace, loss_and_gradients


def reference_loss(model, inputs, targets, mask, noise, rate_penalty):
    """The same loss written as a plain autograd loop."""
    alpha = model.alpha
    x = model.initial_state.expand(inputs.shape[0], -1)
    r = torch.clamp_min(torch.tanh(x), 0) + noise[0]
    outputs, clean = [], []
    for t in range(inputs.shape[1]):
        x = (1 - alpha) * x + alpha * (r @ model.w_rec.T + inputs[:, t] @ model.w_in.T + model.bias)
        c = torch.clamp_min(torch.tanh(x), 0)
        clean.append(c)
        r = c + noise[t + 1]
        outputs.append(r @ model.w_out.T)
    y = torch.stack(outputs, 1)
    task = (((y - targets) ** 2) * mask[..., None]).sum() / (mask.sum() * 2)
    penalty = (torch.stack(clean) ** 2).mean()
    weight = rate_penalty
    if rate_penalty * penalty > 0.5 * task:
        weight = (0.5 * task / penalty).detach()
    return task + weight * penalty


def small_problem(seed=0):
    model = HDRNN(ModelConfig(n_units=12), seed=seed).double()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        model.w_out.copy_(0.3 * torch.randn(model.w_out.shape, generator=generator))
        model.initial_state.copy_(0.5 * torch.randn(12, generator=generator))
    trials = Task(n_steps=25, cue_steps=5).sample(6, rng=seed)
    tensors = [torch.tensor(a, dtype=torch.float64) for a in (trials.inputs, trials.targets, trials.loss_mask)]
    noise = 0.1 * torch.randn(26, 6, 12, generator=generator, dtype=torch.float64)
    return model, tensors, noise


@pytest.mark.parametrize("rate_penalty", [0.0, 0.01, 50.0])
@pytest.mark.parametrize("with_noise", [False, True])
def test_gradients_match_autograd(rate_penalty, with_noise):
    model, (inputs, targets, mask), noise = small_problem()
    if not with_noise:
        noise = torch.zeros_like(noise)
    terms = loss_and_gradients(model, inputs, targets, mask,
                               rate_noise=noise if with_noise else None, rate_penalty=rate_penalty)
    manual = {name: p.grad.clone() for name, p in model.named_parameters()}

    model.zero_grad()
    loss = reference_loss(model, inputs, targets, mask, noise, rate_penalty)
    loss.backward()

    assert terms.total == pytest.approx(loss.item(), rel=1e-12)
    for name, parameter in model.named_parameters():
        torch.testing.assert_close(manual[name], parameter.grad, rtol=1e-9, atol=1e-12, msg=name)


def test_workspace_reuse_gives_same_gradients():
    model, (inputs, targets, mask), noise = small_problem()
    workspace = BPTTWorkspace()
    loss_and_gradients(model, inputs, targets, mask, rate_noise=noise, workspace=workspace)
    first = model.w_rec.grad.clone()
    # A call with another trial length in between re-allocates the buffers.
    loss_and_gradients(model, inputs[:, :15], targets[:, :15], mask[:, :15], workspace=workspace)
    loss_and_gradients(model, inputs, targets, mask, rate_noise=noise, workspace=workspace)
    torch.testing.assert_close(model.w_rec.grad, first, rtol=0, atol=0)


def test_normalized_error_definition():
    model, (inputs, targets, mask), _ = small_problem()
    terms = loss_and_gradients(model, inputs, targets, mask, rate_penalty=0.0)
    with torch.no_grad():
        outputs, _ = model(inputs)
    keep = mask.bool()
    error = ((outputs - targets)[keep] ** 2).sum()
    variance = ((targets[keep] - targets[keep].mean(0)) ** 2).sum()
    assert terms.normalized_error == pytest.approx(float(error / variance), rel=1e-9)
