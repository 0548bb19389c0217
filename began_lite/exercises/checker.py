"""Run a reader's function beside the reference and say at once whether they agree."""
import numpy as np
import torch


def _as_array(value) -> np.ndarray:
    """A float64 NumPy array from a number, array or tensor."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().double().numpy()
    return np.asarray(value, dtype=np.float64)


def check_function(reader_fn, reference_fn, cases, *, name, atol=1e-6, rtol=1e-5) -> bool:
    """Call both functions on each case (a tuple of arguments); print a pass or the first difference."""
    cases = list(cases)
    for number, args in enumerate(cases, start=1):
        expected = _as_array(reference_fn(*args))
        try:
            got = _as_array(reader_fn(*args))
        except Exception as err:  # the reader's code may fail in any way; report it plainly
            print(f"✗ {name}: case {number} raised {type(err).__name__}: {err}\n  input: {args!r}")
            return False
        if got.shape != expected.shape or not np.allclose(got, expected, atol=atol, rtol=rtol,
                                                          equal_nan=True):
            print(f"✗ {name}: case {number} of {len(cases)} differs\n  input:    {args!r}\n"
                  f"  yours:    {got!r}\n  expected: {expected!r}")
            return False
    print(f"✓ {name}: all {len(cases)} cases agree with the reference")
    return True
