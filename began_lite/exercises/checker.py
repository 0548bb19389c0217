"""Run a reader's function beside the reference on random and edge-case inputs; say at once
whether they agree, and if not, show the first input where they differ with both values.

    from began_lite.exercises import cases, check_function, floats, tensors
    check_function(my_fn, reference_fn, cases(tensors(2, 3), floats(0, 1)), name="my_fn")
"""
import copy
import itertools
import textwrap

import numpy as np
import torch


class Case(tuple):
    """The arguments of one call, with a label saying where they came from and their names."""

    def __new__(cls, args, label="", names=()):
        case = super().__new__(cls, args)
        case.label, case.names = label, tuple(names)
        return case


class Arg:
    """One argument: `draw(rng)` gives a random value; `edges` are (label, value) pairs."""

    def __init__(self, draw, edges=(), name=""):
        self.draw, self.edges, self.name = draw, list(edges), name


def floats(low=-1.0, high=1.0, *, name=""):
    """A float uniform in [low, high]; edges: both ends, and 0 when it lies inside."""
    edges = [("low end", float(low)), ("high end", float(high))]
    if low < 0 < high:
        edges.append(("zero", 0.0))
    return Arg(lambda rng: float(rng.uniform(low, high)), edges, name)


def ints(low, high, *, name=""):
    """An int in [low, high] (both included); edges: both ends."""
    edges = [("low end", low), ("high end", high)]
    return Arg(lambda rng: int(rng.integers(low, high + 1)), edges, name)


def choices(*values, name=""):
    """One of `values`, e.g. choices(1, 2) for eta; every value is also an edge case."""
    return Arg(lambda rng: values[rng.integers(len(values))], [(repr(v), v) for v in values], name)


def arrays(*shape, low=-1.0, high=1.0, name=""):
    """A float64 NumPy array of `shape`, uniform in [low, high]; edges: all low, high, zero."""
    edges = [("all low", np.full(shape, low, dtype=np.float64)),
             ("all high", np.full(shape, high, dtype=np.float64))]
    if low <= 0 <= high:
        edges.append(("all zero", np.zeros(shape)))
    return Arg(lambda rng: rng.uniform(low, high, size=shape), edges, name)


def tensors(*shape, low=-1.0, high=1.0, name=""):
    """A float32 tensor of `shape`, e.g. (B, C, H, W), uniform in [low, high]; edges as arrays()."""
    base = arrays(*shape, low=low, high=high)
    edges = [(label, torch.as_tensor(v, dtype=torch.float32)) for label, v in base.edges]
    return Arg(lambda rng: torch.as_tensor(base.draw(rng), dtype=torch.float32), edges, name)


def probabilities(size, *, name=""):
    """A probability vector of `size` entries (Dirichlet(1)); edges: one-hot and uniform."""
    one_hot = np.eye(size)[0]
    uniform = np.full(size, 1.0 / size)
    edges = [("one-hot", one_hot), ("uniform", uniform)]
    return Arg(lambda rng: rng.dirichlet(np.ones(size)), edges, name)


def cases(*args, n=20, seed=0, max_corners=64) -> list:
    """Edge cases, corners, then n random cases, as a list of Case.

    Edge cases put one Arg at each of its edges with the others random; corners put every Arg at
    an edge at once (all combinations, when there are at most `max_corners`). Anything that is not
    an Arg is passed unchanged in every case."""
    rng = np.random.default_rng(seed)
    specs = [a if isinstance(a, Arg) else Arg(lambda rng, a=a: copy.deepcopy(a)) for a in args]
    names = [spec.name or f"argument {i + 1}" for i, spec in enumerate(specs)]
    out = []
    for i, spec in enumerate(specs):
        for label, value in spec.edges:
            values = [s.draw(rng) for s in specs]
            values[i] = copy.deepcopy(value)
            out.append(Case(values, f"edge case: {names[i]} = {label}", names))
    edged = [i for i, spec in enumerate(specs) if spec.edges]
    if len(edged) > 1 and np.prod([len(specs[i].edges) for i in edged]) <= max_corners:
        for corner in itertools.product(*(specs[i].edges for i in edged)):
            values = [s.draw(rng) for s in specs]
            for i, (_, value) in zip(edged, corner):
                values[i] = copy.deepcopy(value)
            labels = ", ".join(f"{names[i]} = {label}" for i, (label, _) in zip(edged, corner))
            out.append(Case(values, f"corner: {labels}", names))
    out += [Case([s.draw(rng) for s in specs], "random", names) for _ in range(n)]
    return out


def _as_array(value) -> np.ndarray:
    """A float64 NumPy array from a number, array or tensor."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().double().numpy()
    return np.asarray(value, dtype=np.float64)


def _show(value, indent="      ") -> str:
    """A short, readable rendering of an argument or a result; arrays go on indented lines."""
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v, indent) for v in value) + ")"
    if isinstance(value, (torch.Tensor, np.ndarray)) and np.ndim(value) > 0:
        kind = "tensor" if isinstance(value, torch.Tensor) else "array"
        text = np.array2string(_as_array(value), precision=4, threshold=12, edgeitems=2,
                               suppress_small=True)
        return f"{kind} of shape {tuple(value.shape)}\n" + textwrap.indent(text, indent)
    if isinstance(value, (float, np.floating, torch.Tensor)):
        return f"{float(value):.6g}"
    return repr(value)


def _value_difference(got, expected, atol, rtol) -> str:
    """Why one output differs from the reference's, or "" when they agree."""
    if got is None:
        return "your function returned None (is a `return` missing?)"
    try:
        got_array = _as_array(got)
    except (TypeError, ValueError):
        return f"your function returned a {type(got).__name__}, not a number, array or tensor"
    expected_array = _as_array(expected)
    if got_array.shape != expected_array.shape:
        return (f"your result has shape {got_array.shape}, "
                f"the reference's has {expected_array.shape}")
    close = np.isclose(got_array, expected_array, atol=atol, rtol=rtol, equal_nan=True)
    if close.all():
        return ""
    where = np.unravel_index(np.argmin(close), close.shape)
    at = f" at index {tuple(int(i) for i in where)}" if where else ""
    count = f" ({int((~close).sum())} of {close.size} entries differ)" if close.size > 1 else ""
    return (f"values differ{at}: yours {got_array[where]:.6g}, "
            f"expected {expected_array[where]:.6g}{count}")


def _difference(got, expected, atol, rtol) -> str:
    """Why the reader's result differs from the reference's (tuples compared entry by entry)."""
    if not isinstance(expected, tuple):
        return _value_difference(got, expected, atol, rtol)
    if not isinstance(got, tuple) or len(got) != len(expected):
        count = len(got) if isinstance(got, tuple) else 1
        return f"your function returned {count} value(s), the reference returns {len(expected)}"
    for number, (mine, theirs) in enumerate(zip(got, expected), start=1):
        problem = _value_difference(mine, theirs, atol, rtol)
        if problem:
            return f"output {number}: {problem}"
    return ""


def _report(name, number, total, args, problem, got=None, expected=None) -> None:
    """Print the failing case: which one, why, its input and both results."""
    label = getattr(args, "label", "")
    lines = [f"✗ {name}: case {number} of {total}{f' ({label})' if label else ''}: {problem}",
             "  input:"]
    names = getattr(args, "names", ()) or [str(i) for i in range(1, len(args) + 1)]
    lines += [f"    {name}: {_show(a, ' ' * (6 + len(name)))}" for name, a in zip(names, args)]
    if expected is not None:
        lines += [f"  yours:    {_show(got, ' ' * 12)}", f"  expected: {_show(expected, ' ' * 12)}"]
    print("\n".join(lines))


def check_function(reader_fn, reference_fn, cases, *, name, atol=1e-6, rtol=1e-5) -> bool:
    """Call both functions on each case (a tuple of arguments); print a pass or the first
    difference, with the input and both values. Returns whether all cases agree."""
    cases = [c if isinstance(c, tuple) else (c,) for c in cases]
    for number, args in enumerate(cases, start=1):
        # Each function gets its own copy, so in-place changes by one cannot mislead the other.
        expected = reference_fn(*copy.deepcopy(args))
        try:
            got = reader_fn(*copy.deepcopy(args))
        except Exception as err:  # the reader's code may fail in any way; report it plainly
            _report(name, number, len(cases), args, f"raised {type(err).__name__}: {err}")
            return False
        problem = _difference(got, expected, atol, rtol)
        if problem:
            _report(name, number, len(cases), args, problem, got, expected)
            return False
    print(f"✓ {name}: all {len(cases)} cases agree with the reference")
    return True


def beside(label: str, reader_fn, args, true, measured: str = "") -> None:
    """Print the reader's value of `label` beside the true one (and a measurement, if given)."""
    def show(value):
        return "(" + ", ".join(f"{float(v):.6g}" for v in value) + ")" \
            if isinstance(value, tuple) else f"{float(value):.6g}"
    try:
        yours = show(reader_fn(*args))
    except Exception as err:  # the reader's code may fail in any way; say so and go on
        yours = f"raised {type(err).__name__}"
    print(f"  {label}: yours {yours}, true {show(true)}" + (f", {measured}" if measured else ""))
