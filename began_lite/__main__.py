"""The command line: `python -m began_lite {train,sample,presets,params,data,book,bench}`."""
import argparse
import importlib
import os
import sys

from began_lite.errors import UserError

# Each module registers its own sub-commands with `add_commands(subparsers)`.
COMMAND_MODULES = ["began_lite.data.commands", "began_lite.train.commands",
                   "began_lite.book.commands", "began_lite.exercises.commands"]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every module's sub-commands."""
    parser = argparse.ArgumentParser(prog="python -m began_lite", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(subparsers)
    return parser


def main(argv=None) -> int:
    """Parse `argv`, run the command; a UserError becomes one line on stderr and exit 2."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of our output left (`... | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
