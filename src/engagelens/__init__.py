"""EngageLens: interactions in, engagement out.

The package is layered (model → store → ingest → metrics → text → listening → engage →
api/web/cli); each layer is a sub-package and the CLI and API are thin wrappers over it.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
