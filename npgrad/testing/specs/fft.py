"""Specs for ``npgrad/rules/fft.py``: every transform is linear (exact adjoint test).

Inputs are drawn with ``n``/``s`` that pad or truncate, negative and repeated
axes, and every ``norm``.  ``rfft``, ``ihfft``, ``rfft2`` and ``rfftn`` take
real input only (NumPy raises on complex), so they have no complex128 case;
their outputs are complex all the same.
"""

import numpy as np

from . import spec

_NORMS = (None, "backward", "ortho", "forward")


def _linear(key, make, complex=True):
    return spec(key, make, complex=complex, linear=True)


def _kwargs(**kwargs):
    return {k: v for k, v in kwargs.items() if v is not None}


def _one_d(hermitian_input=False):
    """fft-like: ``(a,), {n, axis, norm}``; irfft/hfft need ``n >= 1`` when ``n`` is None."""
    def make(d):
        a = d.array(d.shape(min_dims=1, min_side=1))
        axis = d.integers(-a.ndim, a.ndim - 1)
        n = d.choice([None, None, d.integers(1, 6)])
        if n is None and hermitian_input and a.shape[axis] < 2:
            n = d.integers(1, 6)
        return (a,), _kwargs(n=n, axis=axis, norm=d.choice(_NORMS))
    return make


def _axes(d, ndim, exactly=None):
    """Distinct axes in a random order, negative ones too; unless ``exactly`` is
    given, now and then one repeated (NumPy transforms it twice)."""
    pool = list(range(ndim))
    axes = []
    for _ in range(exactly or d.integers(1, ndim)):
        ax = d.choice(pool)
        pool.remove(ax)
        axes.append(ax - ndim if d.boolean() else ax)
    if exactly is None and d.integers(0, 3) == 0:
        axes.append(d.choice(axes))
    return tuple(axes)


def _n_d(two=False, hermitian_input=False):
    """fftn-like: ``(a,), {s, axes, norm}``; ``s`` only with axes (NumPy deprecates
    ``s`` with ``axes=None``)."""
    def make(d):
        a = d.array(d.shape(min_dims=2 if two else 1, min_side=1))
        kwargs = {"norm": d.choice(_NORMS)}
        if d.boolean():
            kwargs["axes"] = _axes(d, a.ndim, exactly=2 if two else None)
        axes = kwargs.get("axes", (-2, -1) if two else None)
        if axes is not None and d.boolean():
            kwargs["s"] = tuple(d.choice([-1, d.integers(1, 5)]) for _ in axes)
        last = -1 if axes is None else axes[-1]
        if hermitian_input and "s" not in kwargs and a.shape[last] < 2:
            a = np.concatenate([a, a], axis=last)   # the default n = 2 (m - 1) must be >= 1
        return (a,), kwargs
    return make


_linear(np.fft.fft, _one_d())
_linear(np.fft.ifft, _one_d())
_linear(np.fft.rfft, _one_d(), complex=False)
_linear(np.fft.ihfft, _one_d(), complex=False)
_linear(np.fft.irfft, _one_d(hermitian_input=True))
_linear(np.fft.hfft, _one_d(hermitian_input=True))

_linear(np.fft.fftn, _n_d())
_linear(np.fft.ifftn, _n_d())
_linear(np.fft.fft2, _n_d(two=True))
_linear(np.fft.ifft2, _n_d(two=True))
_linear(np.fft.rfftn, _n_d(), complex=False)
_linear(np.fft.rfft2, _n_d(two=True), complex=False)
_linear(np.fft.irfftn, _n_d(hermitian_input=True))
_linear(np.fft.irfft2, _n_d(two=True, hermitian_input=True))


def _shift(d):
    a = d.array(d.shape(min_dims=1))
    kind = d.choice(["none", "int", "tuple"])
    axes = (None if kind == "none" else d.integers(-a.ndim, a.ndim - 1) if kind == "int"
            else _axes(d, a.ndim, exactly=d.integers(1, a.ndim)))
    return (a,), {"axes": axes}


_linear(np.fft.fftshift, _shift)
_linear(np.fft.ifftshift, _shift)
