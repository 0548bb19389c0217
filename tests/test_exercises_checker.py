"""The exercise checker: random and edge-case inputs, a pass, the first difference, exceptions."""
import numpy as np
import torch

from began_lite.exercises import (Arg, arrays, cases, check_function, choices, floats, ints,
                                  probabilities, tensors)


def clip_k(k, gamma, loss_real, loss_fake, lambda_k=0.001):
    """BEGAN's k update, the reference for these tests."""
    return min(max(k + lambda_k * (gamma * loss_real - loss_fake), 0.0), 1.0)


def k_args():
    return (floats(0, 1, name="k"), floats(0.3, 1, name="gamma"), floats(0, 0.2, name="loss_real"),
            floats(0, 0.2, name="loss_fake"))


def test_pass_is_printed_with_the_number_of_cases(capsys):
    assert check_function(clip_k, clip_k, cases(*k_args(), n=5), name="k_update")
    out = capsys.readouterr().out
    total = len(cases(*k_args(), n=5))
    assert out == f"✓ k_update: all {total} cases agree with the reference\n"


def test_first_difference_shows_the_case_its_input_and_both_values(capsys):
    def no_clip(k, gamma, loss_real, loss_fake, lambda_k=0.001):
        return k + lambda_k * (gamma * loss_real - loss_fake)

    all_cases = cases(*k_args(), n=5)
    assert not check_function(no_clip, clip_k, all_cases, name="k_update")
    out = capsys.readouterr().out
    first_bad = next(i for i, c in enumerate(all_cases, 1) if no_clip(*c) != clip_k(*c))
    bad = all_cases[first_bad - 1]
    assert out.startswith(f"✗ k_update: case {first_bad} of {len(all_cases)} ({bad.label})")
    assert out.count("✗") == 1  # only the first difference is reported
    assert f"yours:    {no_clip(*bad):.6g}" in out
    assert f"expected: {clip_k(*bad):.6g}" in out
    assert f"    k: {bad[0]:.6g}" in out and f"    loss_fake: {bad[3]:.6g}" in out


def test_edge_cases_catch_a_missing_clip_that_random_cases_miss():
    def no_clip(k, gamma, loss_real, loss_fake, lambda_k=0.001):
        return k + lambda_k * (gamma * loss_real - loss_fake)

    all_cases = cases(*k_args(), n=200)
    random_only = [c for c in all_cases if c.label == "random"]
    assert len(random_only) == 200
    assert all(abs(no_clip(*c) - clip_k(*c)) < 1e-6 for c in random_only)
    assert any(abs(no_clip(*c) - clip_k(*c)) > 1e-6 for c in all_cases if c.label != "random")


def test_an_exception_in_the_readers_code_is_reported_not_raised(capsys):
    def broken(x):
        return x / 0 if isinstance(x, float) else x.foo

    assert not check_function(broken, lambda x: x, [(1.5,)], name="broken")
    out = capsys.readouterr().out
    assert "✗ broken: case 1 of 1: raised ZeroDivisionError: float division by zero" in out
    assert "    1: 1.5" in out


def test_none_wrong_shape_wrong_type_and_tuple_outputs_are_explained(capsys):
    x = (torch.ones(2, 3),)
    assert not check_function(lambda t: None, lambda t: t, [x], name="f")
    assert "returned None (is a `return` missing?)" in capsys.readouterr().out
    assert not check_function(lambda t: t.sum(), lambda t: t, [x], name="f")
    assert "your result has shape (), the reference's has (2, 3)" in capsys.readouterr().out
    assert not check_function(lambda t: "text", lambda t: t, [x], name="f")
    assert "returned a str" in capsys.readouterr().out
    assert not check_function(lambda t: (t, t), lambda t: (t, t + 1), [x], name="f")
    out = capsys.readouterr().out
    assert "output 2: values differ at index (0, 0): yours 1, expected 2 (6 of 6" in out
    assert not check_function(lambda t: t, lambda t: (t, t), [x], name="f")
    assert "returned 1 value(s), the reference returns 2" in capsys.readouterr().out


def test_tolerances_nans_and_bare_single_arguments(capsys):
    assert check_function(lambda a: a + 1e-8, lambda a: a, [1.0, 2.0], name="close", atol=1e-6)
    assert not check_function(lambda a: a + 1e-3, lambda a: a, [1.0], name="far", atol=1e-6, rtol=0)
    nan = np.array([np.nan, 1.0])
    assert check_function(lambda a: a.copy(), lambda a: a, [(nan,)], name="nan")
    capsys.readouterr()


def test_each_function_gets_its_own_copy_of_the_arguments(capsys):
    def in_place(t):
        return t.add_(1)

    assert check_function(lambda t: t + 1, in_place, cases(tensors(3), n=3), name="copy")
    assert "✓" in capsys.readouterr().out


def test_cases_are_reproducible_labelled_and_cover_every_edge():
    a = cases(floats(-1, 2, name="x"), ints(3, 5, name="m"), "fixed", n=7, seed=3)
    b = cases(floats(-1, 2, name="x"), ints(3, 5, name="m"), "fixed", n=7, seed=3)
    c = cases(floats(-1, 2, name="x"), ints(3, 5, name="m"), "fixed", n=7, seed=4)
    assert [tuple(x) for x in a] == [tuple(x) for x in b]
    assert [tuple(x) for x in a] != [tuple(x) for x in c]
    labels = [x.label for x in a]
    assert labels[:5] == ["edge case: x = low end", "edge case: x = high end",
                          "edge case: x = zero", "edge case: m = low end",
                          "edge case: m = high end"]
    assert sum(label.startswith("corner:") for label in labels) == 3 * 2
    assert labels.count("random") == 7
    assert all(x[2] == "fixed" and x.names == ("x", "m", "argument 3") for x in a)
    randoms = [x for x in a if x.label == "random"]
    assert all(-1 <= x[0] <= 2 and 3 <= x[1] <= 5 and isinstance(x[1], int) for x in randoms)


def test_argument_kinds_have_the_right_shapes_ranges_and_edges():
    rng = np.random.default_rng(0)
    t = tensors(2, 1, 4, 4, low=-1, high=1)
    assert t.draw(rng).shape == (2, 1, 4, 4) and t.draw(rng).dtype == torch.float32
    assert [label for label, _ in t.edges] == ["all low", "all high", "all zero"]
    assert float(dict(t.edges)["all high"].min()) == 1.0
    a = arrays(5, low=0, high=3)
    assert a.draw(rng).shape == (5,) and 0 <= a.draw(rng).min() and a.draw(rng).max() <= 3
    p = probabilities(4)
    assert abs(p.draw(rng).sum() - 1) < 1e-12 and all(abs(v.sum() - 1) < 1e-12 for _, v in p.edges)
    assert {choices(1, 2).draw(rng) for _ in range(50)} == {1, 2}
    assert floats(0.5, 1).edges == [("low end", 0.5), ("high end", 1.0)]  # no zero edge outside
    custom = Arg(lambda rng: 7, [("seven", 7)], name="s")
    assert [tuple(x) for x in cases(custom, n=1)] == [(7,), (7,)]
