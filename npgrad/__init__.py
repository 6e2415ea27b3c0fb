"""npgrad: gradients of unmodified NumPy/SciPy code.

A :class:`TracedArray` records the NumPy operations applied to it; the
TensorFlow-style API (:class:`GradientTape`, :func:`gradients_function`,
:func:`gradients`), TFP's :func:`value_and_gradient` and the JAX-style
transforms (:func:`grad`, :func:`value_and_grad`, :func:`jacobian`,
:func:`hessian`, :func:`hvp`, :func:`jvp`, :func:`vjp`) turn the record into
gradients.
"""

from .errors import NotDifferentiableError, TraceLostError
from ._core import TracedArray
from . import _ops  # noqa: F401  (operators and ndarray methods)
from ._registry import defvjp, deflinear, defvjp_all, nondifferentiable
from ._tape import (GradientTape, Variable, UnconnectedGradients, function, gradients)
from .api import (constant, convert_to_tensor, stop_gradient, primitive,
                  gradients_function, value_and_gradients_function, make_vjp,
                  implicit_gradients, implicit_value_and_gradients, value_and_gradient,
                  custom_gradient, grad, value_and_grad, jacobian, hessian, hvp, vjp, jvp)
from . import rules  # noqa: F401  (fills the VJP table)

__version__ = "0.1.0"

__all__ = [
    "TracedArray", "constant", "convert_to_tensor", "Variable", "stop_gradient",
    "GradientTape", "gradients_function", "value_and_gradients_function", "make_vjp",
    "implicit_gradients", "implicit_value_and_gradients", "function", "gradients",
    "value_and_gradient", "custom_gradient", "UnconnectedGradients",
    "grad", "value_and_grad", "jacobian", "hessian", "hvp", "jvp", "vjp",
    "defvjp", "deflinear", "defvjp_all", "nondifferentiable", "primitive",
    "NotDifferentiableError", "TraceLostError",
]
