"""Drop-ins for ``scipy.spatial``: the :mod:`npgrad.scipy.spatial.distance` functions."""

from . import distance  # noqa: F401

__all__ = ["distance"]
