"""Drop-ins for ``scipy.signal``: ``convolve``, ``fftconvolve`` and ``correlate``.

Each is linear in each argument, so each VJP is another convolution.  The
"same" and "valid" outputs are centred slices of the "full" one; the
cotangent is put back in place in a zero "full" array ``G``, and then

* ``convolve(x, k)``: ``xbar = convolve(G, flip(k), "valid")``,
  ``kbar = convolve(G, flip(x), "valid")``;
* ``correlate(x, k) = convolve(x, conj(flip(k)))``: ``xbar = convolve(G, conj(k),
  "valid")``, ``kbar = conj(flip(convolve(G, flip(x), "valid")))``;
* ``fftconvolve`` as ``convolve``, along its ``axes`` (the other axes broadcast).

The VJPs call the same primitives, so they are recorded too (higher order).

Example
-------
>>> import numpy as np, npgrad
>>> from npgrad.scipy.signal import convolve
>>> npgrad.grad(lambda k: np.sum(convolve(np.array([1.0, 2.0, 3.0]), k, mode="valid")))(np.ones(2))
array([5., 3.])
"""

import numpy as np
import scipy.signal as sg

from .._registry import defvjp_all
from ._util import named_primitive, traced

__all__ = ["convolve", "fftconvolve", "correlate"]


def _conv_axes(ndim, axes):
    """The convolved axes as non-negative ints (all of them when ``axes`` is None)."""
    if axes is None:
        return tuple(range(ndim))
    axes = (axes,) if np.ndim(axes) == 0 else tuple(axes)
    return tuple(int(a) % ndim for a in axes)


def _full_cotangent(g, x, k, axes):
    """``g`` put back at its place in the zero "full" output (each mode is a centred slice)."""
    pads = []
    for ax in range(np.ndim(g)):
        if ax in axes:
            full = np.shape(x)[ax] + np.shape(k)[ax] - 1
            before = (full - np.shape(g)[ax]) // 2
            pads.append((before, full - np.shape(g)[ax] - before))
        else:
            pads.append((0, 0))
    return np.pad(g, pads)


def _convolve_value(in1, in2, mode="full", method="auto"):
    return sg.convolve(in1, in2, mode=mode, method=method)


def _correlate_value(in1, in2, mode="full", method="auto"):
    return sg.correlate(in1, in2, mode=mode, method=method)


def _fftconvolve_value(in1, in2, mode="full", axes=None):
    return sg.fftconvolve(in1, in2, mode=mode, axes=axes)


_convolve = named_primitive(_convolve_value, __name__, "_convolve")
_correlate = named_primitive(_correlate_value, __name__, "_correlate")
_fftconvolve = named_primitive(_fftconvolve_value, __name__, "_fftconvolve")


@defvjp_all(_convolve)
def _convolve_vjp(g, ans, in1, in2, mode="full", method="auto"):
    full = _full_cotangent(g, in1, in2, _conv_axes(np.ndim(g), None))
    return (_convolve(full, np.flip(in2), mode="valid", method=method),
            _convolve(full, np.flip(in1), mode="valid", method=method))


@defvjp_all(_correlate)
def _correlate_vjp(g, ans, in1, in2, mode="full", method="auto"):
    full = _full_cotangent(g, in1, in2, _conv_axes(np.ndim(g), None))
    return (_convolve(full, np.conj(in2), mode="valid", method=method),
            np.conj(np.flip(_convolve(full, np.flip(in1), mode="valid", method=method))))


@defvjp_all(_fftconvolve)
def _fftconvolve_vjp(g, ans, in1, in2, mode="full", axes=None):
    axes = _conv_axes(np.ndim(g), axes)
    full = _full_cotangent(g, in1, in2, axes)
    return (_fftconvolve(full, np.flip(in2, axes), mode="valid", axes=axes),
            _fftconvolve(full, np.flip(in1, axes), mode="valid", axes=axes))


def convolve(in1, in2, mode="full", method="auto"):
    """``scipy.signal.convolve``, differentiable in both arguments."""
    if not traced(in1, in2):
        return sg.convolve(in1, in2, mode=mode, method=method)
    return _convolve(in1, in2, mode=mode, method=method)


def correlate(in1, in2, mode="full", method="auto"):
    """``scipy.signal.correlate``, differentiable in both arguments."""
    if not traced(in1, in2):
        return sg.correlate(in1, in2, mode=mode, method=method)
    return _correlate(in1, in2, mode=mode, method=method)


def fftconvolve(in1, in2, mode="full", axes=None):
    """``scipy.signal.fftconvolve``, differentiable in both arguments."""
    if not traced(in1, in2):
        return sg.fftconvolve(in1, in2, mode=mode, axes=axes)
    return _fftconvolve(in1, in2, mode=mode, axes=axes)
