"""Read book.toml and hand each chapter the budgets of the active profile."""
import os
import tomllib
from pathlib import Path

from began_lite.errors import UserError

PROFILES = ("quick", "full")


def book_root(start=None) -> Path:
    """The folder holding book.toml: BOOK_ROOT, else the first parent of `start` (or cwd) with one."""
    if os.environ.get("BOOK_ROOT"):
        return Path(os.environ["BOOK_ROOT"])
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "book.toml").is_file():
            return folder
    package_parent = Path(__file__).resolve().parents[2]
    if (package_parent / "book.toml").is_file():
        return package_parent
    raise UserError(f"no book.toml found above {here}; run from the began-lite checkout or set BOOK_ROOT")


def load_manifest(root=None) -> dict:
    """The parsed book.toml."""
    path = Path(root or book_root()) / "book.toml"
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise UserError(f"{path} is not valid TOML ({err}); fix the line it names") from err


def profile_name() -> str:
    """The active profile: BOOK_PROFILE, `quick` by default."""
    name = os.environ.get("BOOK_PROFILE", "quick")
    if name not in PROFILES:
        raise UserError(f"BOOK_PROFILE={name!r} is not a profile; use one of {', '.join(PROFILES)}")
    return name


def budget(chapter: str, root=None) -> dict:
    """The active profile's budgets for `chapter` (e.g. "ch03"), with the profile's seed."""
    profile = load_manifest(root)["profiles"][profile_name()]
    if chapter not in profile:
        raise UserError(f"book.toml has no [profiles.{profile_name()}.{chapter}] table; add one")
    return {"seed": profile.get("seed", 0), **profile[chapter]}
