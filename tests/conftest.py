"""Fixtures shared by the test modules."""

import pytest
import torch

from hdlesson.ring import build_ring_attractor


@pytest.fixture(scope="module", autouse=True)
def single_thread():
    """Run on one thread: the tests' small batches only lose time to thread contention."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def ring():
    """The hand-built ring attractor, whose classes, offsets and ring are known."""
    return build_ring_attractor()
