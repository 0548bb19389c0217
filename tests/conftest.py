"""Fixtures shared by the test modules."""
import pytest
import torch


@pytest.fixture
def one_torch_thread():
    """Tiny nets: one intra-op thread is faster on a busy 2-core machine; restore the count after."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
