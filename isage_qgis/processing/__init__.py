"""Processing algorithms of iSAGE, one per module, gathered by :class:`~.provider.IsageProvider`."""

from .provider import ALGORITHMS, IsageProvider

__all__ = ["ALGORITHMS", "IsageProvider"]
