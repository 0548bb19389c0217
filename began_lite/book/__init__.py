"""The book: its manifest (book.toml), the chapters' budgets, list / check / execute."""
from began_lite.book.manifest import (book_root, budget, chapter_key, chapters, format_toc,
                                      load_manifest, profile_name, select_chapters)

__all__ = ["book_root", "budget", "chapter_key", "chapters", "format_toc", "load_manifest",
           "profile_name", "select_chapters"]
