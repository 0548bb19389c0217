"""Checkers a reader calls on their own implementation."""
from began_lite.exercises.checker import check_function

__all__ = ["check_function"]
