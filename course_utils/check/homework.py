"""Helpers for the graded assignments' test cells: catch shortcuts, and give hints that name a bug.

    from course_utils.check.homework import without_libraries, close_to, compare_arrays
    grads = without_libraries(bptt, x, h0, params, targets)   # fails if bptt calls TF / Keras
    compare_arrays("dW_hh", grads["W_hh"], expected, tolerance=1e-9)  # hint: transposed? sign?

`without_libraries` runs a student's function while watching every function it calls (Python
and C alike, through `sys.setprofile`) and raises `AssertionError` if one of them comes from a
package the task says not to use, however it was imported or renamed. `compare_arrays` raises
`AssertionError` with a hint that names the likely bug: a transposed or wrongly shaped result, a
flipped sign, a factor off, or values that are merely close (finite differences instead of the
exact gradient).
"""

import sys

import numpy as np

__all__ = ["FORBIDDEN", "without_libraries", "compare_arrays", "close_to"]

# What a from-scratch task may not call: the reference implementations it is checked against.
FORBIDDEN = ("tensorflow", "keras", "course_utils", "torch", "jax", "sklearn", "scipy")


def _package_of(frame, event, argument):
    """The top-level package whose code a profiled call runs, or None for code defined in the
    notebook (whose module is `__main__`)."""
    if event == "c_call":
        module = getattr(argument, "__module__", None) or ""
        if not module:
            owner = getattr(argument, "__self__", None)
            module = getattr(type(owner), "__module__", "") if owner is not None else ""
        return module.split(".")[0] or None
    module = frame.f_globals.get("__name__", "")
    return module.split(".")[0] or None


def without_libraries(function, *args, forbidden=FORBIDDEN, **kwargs):
    """`function(*args, **kwargs)`, failing with AssertionError if it calls into a forbidden
    package (by default TensorFlow, Keras, course_utils, PyTorch, JAX, scikit-learn, SciPy).

    Args:
        function: the student's function.
        *args, **kwargs: what to call it with.
        forbidden: top-level package names it may not call.

    Returns:
        What the function returned.
    """
    called = set()

    def profile(frame, event, argument):
        if event in ("call", "c_call"):
            package = _package_of(frame, event, argument)
            if package in forbidden:
                called.add(package)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = function(*args, **kwargs)
    finally:
        sys.setprofile(previous)
    if called:
        raise AssertionError(
            f"{getattr(function, '__name__', function)} calls {', '.join(sorted(called))}: this "
            f"task is to write it yourself with NumPy, not to call a library's implementation"
        )
    return result


def close_to(got, expected, tolerance):
    """True when `got` has `expected`'s shape and max |got - expected| <= tolerance *
    max(1, max |expected|)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    return (
        bool(np.all(np.isfinite(got)))
        and float(np.max(np.abs(got - expected), initial=0.0)) <= tolerance * scale
    )


def compare_arrays(name, got, expected, tolerance=1e-8):
    """Raise AssertionError with a hint naming the likely bug unless `got` matches `expected`.

    Args:
        name: what the array is, as the student knows it (e.g. "dW_hh").
        got: the student's array.
        expected: the reference.
        tolerance: allowed max absolute error, relative to max(1, max |expected|).
    """
    expected = np.asarray(expected, dtype=float)
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(
            f"{name}: expected an array of numbers, got {type(got).__name__}"
        ) from None
    if close_to(got, expected, tolerance):
        return
    if got.shape != expected.shape:
        if got.shape == expected.T.shape and close_to(got.T, expected, tolerance):
            raise AssertionError(
                f"{name}: transposed; expected shape {expected.shape}, got {got.shape}"
            )
        raise AssertionError(f"{name}: expected shape {expected.shape}, got {got.shape}")
    if not np.all(np.isfinite(got)):
        raise AssertionError(f"{name}: contains NaN or infinity")
    if (
        expected.ndim == 2
        and expected.shape[0] == expected.shape[1]
        and close_to(got.T, expected, tolerance)
    ):
        raise AssertionError(
            f"{name}: transposed (the matrix is square, so the shape looked right)"
        )
    if close_to(-got, expected, tolerance):
        raise AssertionError(f"{name}: the sign is flipped")
    if close_to(got, expected, 1e-4):
        raise AssertionError(
            f"{name}: close but not exact (max error {np.max(np.abs(got - expected)):.2g}): an "
            f"approximation such as finite differences is not the exact gradient"
        )
    nonzero = np.abs(expected) > 1e-12
    if np.count_nonzero(nonzero) > 1:  # one number is always a constant factor of another
        ratios = got[nonzero] / expected[nonzero]
        if np.allclose(ratios, ratios.flat[0], rtol=1e-6) and abs(ratios.flat[0]) > 1e-12:
            raise AssertionError(f"{name}: off by a constant factor of {ratios.flat[0]:.4g}")
    raise AssertionError(f"{name}: wrong values (max error {np.max(np.abs(got - expected)):.3g})")
