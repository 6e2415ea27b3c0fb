"""``np.fft``: every transform is linear, so each VJP is its exact transpose.

A transform is a sequence of 1-D steps, applied in NumPy's own order; the
VJP applies the transposes of the steps in reverse.  With the DFT matrix F
symmetric (Fᵀ = F, no conjugate), the transpose of ``fft`` is ``fft``, of
``ifft`` is ``ifft``, each with the same ``norm``; padding or truncating the
input to ``n`` transposes to truncating or padding back.  The real transforms
are linear over the reals only.  With w the Hermitian weights of a
half spectrum (1 at DC and Nyquist, 2 elsewhere):

* ``rfft`` keeps the first ``n//2 + 1`` bins of the DFT of a real input.
  Its rule is the real part of the complex transpose, Re(fft(g zero-padded
  to n)), which one c2r transform gives: ``irfft(conj(g) / w)`` (the real
  part is what the engine would keep for the real input anyway).
* ``irfft`` reads each interior bin ``h_k`` twice (as ``h_k`` and as its
  conjugate mirror) and only the real part of DC and Nyquist, so its
  transpose is ``w * ifft(g)`` on those bins, i.e. ``w * conj(rfft(g))``
  for the real ``g`` of a real output.
* ``hfft(a) = irfft(conj(a))`` and ``ihfft(x) = conj(rfft(x))`` with the
  norms swapped, which gives ``w * rfft(g)`` and ``irfft(g / w)``.

``fftfreq`` and ``rfftfreq`` take integers and return constants: no rule.
"""

import numpy as np

from .._registry import deflinear


def _resize(g, n, axis):
    """``g`` truncated, or zero-padded at the end, to length ``n`` along ``axis``."""
    m = np.shape(g)[axis]
    if m > n:
        return g[(slice(None),) * axis + (slice(0, n),)]
    if m < n:
        shape = list(np.shape(g))
        shape[axis] = n - m
        return np.concatenate([g, np.zeros(shape, dtype=g.dtype)], axis=axis)
    return g


def _hermitian_weights(n, k, ndim, axis):
    """1 at DC and Nyquist, 2 at the other bins of a half spectrum (``k`` of them)."""
    bins = np.arange(k)
    w = np.where((bins == 0) | (2 * bins == n), 1.0, 2.0)
    return np.reshape(w, (-1,) + (1,) * (ndim - axis - 1))


_SWAP = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}
"""The norm that scales the opposite direction the same way (NumPy's _swap_direction)."""


# Transposes of the 1-D steps: (g, axis, n = transform length, m = input length, norm).
def _fft_t(g, axis, n, m, norm):
    return _resize(np.fft.fft(g, axis=axis, norm=norm), m, axis)


def _ifft_t(g, axis, n, m, norm):
    return _resize(np.fft.ifft(g, axis=axis, norm=norm), m, axis)


# The real-input steps map real x to the half spectrum: their rule is
# Re(Aᵀ g), the real part the engine would keep, computed as a c2r transform.
def _rfft_t(g, axis, n, m, norm):
    w = _hermitian_weights(n, np.shape(g)[axis], np.ndim(g), axis)
    return _resize(np.fft.irfft(np.conj(g) / w, n, axis=axis, norm=_SWAP[norm]), m, axis)


def _ihfft_t(g, axis, n, m, norm):
    w = _hermitian_weights(n, np.shape(g)[axis], np.ndim(g), axis)
    return _resize(np.fft.irfft(g / w, n, axis=axis, norm=norm), m, axis)


# The real-output steps get a real g (the engine keeps real cotangents real),
# so ifft(g) on the half spectrum is conj(rfft(g)), and fft(g) is rfft(g).
def _irfft_t(g, axis, n, m, norm):
    h = np.conj(np.fft.rfft(g, axis=axis, norm=_SWAP[norm]))
    return _resize(h * _hermitian_weights(n, np.shape(h)[axis], np.ndim(h), axis), m, axis)


def _hfft_t(g, axis, n, m, norm):
    h = np.fft.rfft(g, axis=axis, norm=norm)
    return _resize(h * _hermitian_weights(n, np.shape(h)[axis], np.ndim(h), axis), m, axis)


_HALF_SPECTRUM = (_rfft_t, _ihfft_t)
"""Steps whose output is the first ``n//2 + 1`` bins of a length-``n`` spectrum."""


def _vjp_of_steps(g, a, steps, norm):
    """Transpose of the 1-D ``steps`` [(transpose, axis, n)] that map ``a`` to the output."""
    shape = list(np.shape(a))
    lengths = []
    for transpose, axis, n in steps:
        lengths.append(shape[axis])
        shape[axis] = n // 2 + 1 if transpose in _HALF_SPECTRUM else n
    for (transpose, axis, n), m in zip(reversed(steps), reversed(lengths)):
        g = transpose(g, axis, n, m, norm)
    return g


# ---- 1-D transforms ----
def _one_d(transpose, half_spectrum_input=False):
    """The rule of a 1-D transform (``n`` defaults to 2 (m - 1) for a half-spectrum input)."""
    def vjp(g, ans, a, n=None, axis=-1, norm=None, out=None):
        axis = axis % np.ndim(a)
        if n is None:
            m = np.shape(a)[axis]
            n = 2 * (m - 1) if half_spectrum_input else m
        return _vjp_of_steps(g, a, [(transpose, axis, n)], norm)
    return vjp


deflinear(np.fft.fft, _one_d(_fft_t))
deflinear(np.fft.ifft, _one_d(_ifft_t))
deflinear(np.fft.rfft, _one_d(_rfft_t))
deflinear(np.fft.irfft, _one_d(_irfft_t, half_spectrum_input=True))
deflinear(np.fft.hfft, _one_d(_hfft_t, half_spectrum_input=True))
deflinear(np.fft.ihfft, _one_d(_ihfft_t))


# ---- n-D transforms: NumPy's step order (numpy/fft/_pocketfft.py) ----
def _sizes_and_axes(a, s, axes, inverse_real=False):
    """NumPy's ``s`` and ``axes`` defaults: ``s`` from ``a``, -1/None meaning the input size."""
    shape = np.shape(a)
    if axes is None:
        axes = range(-len(s), 0) if s is not None else range(len(shape))
    axes = [ax % len(shape) for ax in axes]
    if s is None:
        s = [shape[ax] for ax in axes]
        if inverse_real:
            s[-1] = 2 * (s[-1] - 1)
    return [shape[ax] if n is None or n == -1 else n for n, ax in zip(s, axes)], axes


def _complex_nd(transpose, default_axes):
    def vjp(g, ans, a, s=None, axes=default_axes, norm=None, out=None):
        s, axes = _sizes_and_axes(a, s, axes)
        steps = [(transpose, axes[i], s[i]) for i in reversed(range(len(axes)))]
        return _vjp_of_steps(g, a, steps, norm)
    return vjp


def _rfftn_vjp(g, ans, a, s=None, axes=None, norm=None, out=None):
    s, axes = _sizes_and_axes(a, s, axes)
    steps = [(_rfft_t, axes[-1], s[-1])]
    steps += [(_fft_t, axes[i], s[i]) for i in reversed(range(len(axes) - 1))]
    return _vjp_of_steps(g, a, steps, norm)


def _irfftn_vjp(g, ans, a, s=None, axes=None, norm=None, out=None):
    s, axes = _sizes_and_axes(a, s, axes, inverse_real=True)
    steps = [(_ifft_t, axes[i], s[i]) for i in range(len(axes) - 1)]
    steps.append((_irfft_t, axes[-1], s[-1]))
    return _vjp_of_steps(g, a, steps, norm)


deflinear(np.fft.fftn, _complex_nd(_fft_t, None))
deflinear(np.fft.ifftn, _complex_nd(_ifft_t, None))
deflinear(np.fft.fft2, _complex_nd(_fft_t, (-2, -1)))
deflinear(np.fft.ifft2, _complex_nd(_ifft_t, (-2, -1)))
deflinear(np.fft.rfftn, _rfftn_vjp)
deflinear(np.fft.irfftn, _irfftn_vjp)
deflinear(np.fft.rfft2, lambda g, ans, a, s=None, axes=(-2, -1), norm=None, out=None:
          _rfftn_vjp(g, ans, a, s, axes, norm))
deflinear(np.fft.irfft2, lambda g, ans, a, s=None, axes=(-2, -1), norm=None, out=None:
          _irfftn_vjp(g, ans, a, s, axes, norm))

# ---- shifts: permutations, transposed by the opposite shift ----
deflinear(np.fft.fftshift, lambda g, ans, x, axes=None: np.fft.ifftshift(g, axes))
deflinear(np.fft.ifftshift, lambda g, ans, x, axes=None: np.fft.fftshift(g, axes))
