"""The demo: a deterministic synthetic brand (Lumina Coffee) written as canonical Parquet
files, ingested and reported by ``engagelens demo``. See docs/demo.md."""

from .generate import DEFAULT_CHUNK_ROWS, generate, sizes
from .world import BRANDS, OWN_BRAND

__all__ = ["BRANDS", "DEFAULT_CHUNK_ROWS", "OWN_BRAND", "generate", "run_demo", "sizes"]


def run_demo(*args, **kwargs):
    """Generate, ingest, analyse and report (lazy: the pipeline imports the store)."""
    from .pipeline import run_demo as _run

    return _run(*args, **kwargs)
