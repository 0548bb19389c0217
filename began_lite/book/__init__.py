"""The book: its manifest (book.toml), the chapters' budgets, list / check / execute."""
from began_lite.book.manifest import book_root, budget, load_manifest, profile_name

__all__ = ["book_root", "budget", "load_manifest", "profile_name"]
