"""Assertions on npgrad's results shared by the API tests: exact types, dtypes, shapes and values."""

import numpy as np

import npgrad

RTOL = 1e-12


def assert_array(r, expected, dtype=np.float64, atol=0):
    """A top-level result: a plain ndarray of expected's shape, dtype and value."""
    assert type(r) is np.ndarray, "expected a plain np.ndarray, got %r" % type(r)
    assert r.dtype == np.dtype(dtype), r.dtype
    expected = np.asarray(expected)
    assert r.shape == expected.shape, (r.shape, expected.shape)
    np.testing.assert_allclose(r, expected, rtol=RTOL, atol=atol)


def assert_seq(r, kind, expected, dtype=np.float64):
    """A list or tuple of plain ndarrays (None where expected is None)."""
    assert type(r) is kind, "expected %s, got %r" % (kind.__name__, type(r))
    assert len(r) == len(expected), (len(r), len(expected))
    for got, want in zip(r, expected):
        if want is None:
            assert got is None
        else:
            assert_array(got, want, dtype)


def assert_list(r, expected, dtype=np.float64):
    assert_seq(r, list, expected, dtype)


def assert_tuple(r, expected, dtype=np.float64):
    assert_seq(r, tuple, expected, dtype)


def plain(t):
    """Value of a result that may legitimately still be a TracedArray."""
    if isinstance(t, npgrad.TracedArray):
        v = t.numpy()
        assert type(v) is np.ndarray
        return v
    return np.asarray(t)
