"""Checkers a reader calls on their own implementation."""
from began_lite.exercises.checker import (Arg, Case, arrays, cases, check_function, choices, floats,
                                          ints, probabilities, tensors)

__all__ = ["Arg", "Case", "arrays", "cases", "check_function", "choices", "floats", "ints",
           "probabilities", "tensors"]
