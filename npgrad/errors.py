"""The error classes npgrad raises, one per kind of failure."""


class NotDifferentiableError(LookupError):
    """A NumPy/SciPy function without a gradient rule was applied to a traced array.

    Raised at the call site.  Fix it by registering a rule with
    :func:`npgrad.defvjp` or by cutting the input out of the trace with
    :func:`npgrad.stop_gradient`.
    """


class TraceLostError(TypeError):
    """A traced array was converted to a plain value (``np.asarray``, ``float``...).

    The conversion would silently drop the gradient, so it is refused while
    the array is traced.  Use ``t.numpy()`` or :func:`npgrad.stop_gradient`
    when a constant is really meant.
    """
