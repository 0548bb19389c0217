"""The one error type the command line turns into a one-line message."""


class UserError(Exception):
    """Bad input from the user: says what is wrong and how to fix it, in one line."""
