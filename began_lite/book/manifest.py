"""Read book.toml and hand each chapter the budgets of the active profile."""
import os
import tomllib
from pathlib import Path

from began_lite.errors import UserError
from began_lite.files import find_book_root

PROFILES = ("quick", "full")


def book_root(start=None) -> Path:
    """The folder holding book.toml: BOOK_ROOT, else the first folder up from `start` (or cwd)."""
    root = find_book_root(start)
    if root is None:
        raise UserError(f"no book.toml found above {Path(start or Path.cwd()).resolve()}; run "
                        "from the began-lite checkout or set BOOK_ROOT")
    return root


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


def chapters(root=None) -> list[dict]:
    """The [[chapters]] entries of book.toml, in reading order."""
    return load_manifest(root).get("chapters", [])


def chapter_key(number: int) -> str:
    """The name of chapter `number`'s budget tables: 3 -> "ch03"."""
    return f"ch{number:02d}"


def select_chapters(numbers=(), root=None) -> list[dict]:
    """The chapters with these numbers, in the order given (all of them when none are given)."""
    listed = {chapter.get("number"): chapter for chapter in chapters(root)}
    unknown = [n for n in numbers if n not in listed]
    if unknown:
        raise UserError(f"no chapter {', '.join(map(str, unknown))} in book.toml; "
                        f"`python -m began_lite book list` shows the chapters")
    return [listed[n] for n in numbers] if numbers else list(listed.values())


def format_toc(manifest: dict, *, minutes=True) -> str:
    """The table of contents: one line per chapter, a second with its paper sections and data."""
    entries = manifest.get("chapters", [])
    width = max((len(c.get("title", "")) for c in entries), default=0)
    lines = []
    for chapter in entries:
        line = f"{chapter.get('number', '?'):>2}  {chapter.get('title', ''):<{width}}  " \
               f"{chapter.get('accelerator', '?')}"
        if minutes:
            line += f"  {chapter.get('quick_minutes', '?'):>4} min"
        lines.append(line)
        sections, datasets = chapter.get("paper_sections"), chapter.get("datasets")
        details = ([f"follows {'; '.join(sections)}"] if sections else []) + \
                  ([f"data: {', '.join(datasets)}"] if datasets else [])
        if details:
            lines.append("    " + " | ".join(details))
    return "\n".join(lines)
