"""The argument checks of every public entry point, with one message style.

Each check takes `(value, name, ...)`, returns the value converted to the plain Python or NumPy
type the caller needs, and otherwise raises `ArgumentError` with one sentence that quotes the bad
value and says what was expected:

    `units` must be an integer >= 1, got 0.5
    `dropout` must be a number in [0, 1), got 1.0
    `token_ids` must hold integer ids in [0, 50), got 57 at index (3, 12)

`ArgumentError` is both a `ValueError` and a `TypeError`, so callers may catch either.
NumPy scalars are accepted wherever Python numbers are; `bool` is never taken for a number.

Example:
    units = integer(units, "units", minimum=1)
    rate = number(dropout, "dropout", minimum=0.0, maximum=1.0, maximum_open=True)
    ids = token_ids(x, "x", vocabulary_size=50)       # int32 array, range-checked
"""
import math
import numbers

import numpy as np

SEED_LIMIT = 2**31  # seeds are passed to TensorFlow as int32-safe values


class ArgumentError(ValueError, TypeError):
    """A public function was called with a value it cannot use."""


def describe(value, limit=60):
    """A short, readable rendering of `value` for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def fail(name, expected, value):
    """Raise the one-sentence error: `name` must be <expected>, got <value>."""
    raise ArgumentError(f"`{name}` must be {expected}, got {describe(value)}")


def is_integer(value):
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_number(value):
    return isinstance(value, (numbers.Real, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _bounds(minimum, maximum, minimum_open=False, maximum_open=False):
    if minimum is not None and maximum is not None:
        return f"in {'(' if minimum_open else '['}{minimum}, {maximum}{')' if maximum_open else ']'}"
    if minimum is not None:
        return f"{'>' if minimum_open else '>='} {minimum}"
    if maximum is not None:
        return f"{'<' if maximum_open else '<='} {maximum}"
    return ""


def _inside(value, minimum, maximum, minimum_open, maximum_open):
    if minimum is not None and (value <= minimum if minimum_open else value < minimum):
        return False
    return not (maximum is not None and (value >= maximum if maximum_open else value > maximum))


def integer(value, name, minimum=None, maximum=None):
    """`value` as an int, if it is an integer (not a bool) within [minimum, maximum]."""
    if not is_integer(value) or not _inside(value, minimum, maximum, False, False):
        fail(name, " ".join(filter(None, ["an integer", _bounds(minimum, maximum)])), value)
    return int(value)


def number(value, name, minimum=None, maximum=None, minimum_open=False, maximum_open=False):
    """`value` as a finite float, if it is a real number (not a bool) within the bounds."""
    ok = is_number(value) and math.isfinite(float(value))
    if not ok or not _inside(float(value), minimum, maximum, minimum_open, maximum_open):
        bounds = _bounds(minimum, maximum, minimum_open, maximum_open)
        fail(name, " ".join(filter(None, ["a finite number", bounds])), value)
    return float(value)


def rate(value, name):
    """A dropout-style rate: a number in [0, 1)."""
    return number(value, name, minimum=0.0, maximum=1.0, maximum_open=True)


def flag(value, name):
    """`value` as a bool, if it is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        fail(name, "True or False", value)
    return bool(value)


def one_of(value, name, options):
    """`value`, if it is one of `options` (compared with ==)."""
    if not any(value == option and type(value) is type(option) for option in options):
        fail(name, "one of " + ", ".join(repr(option) for option in options), value)
    return value


def seed(value, name="seed"):
    """A random seed: an integer in [0, 2**31)."""
    return integer(value, name, minimum=0, maximum=SEED_LIMIT - 1)


def array(value, name, rank=None, dtype_kind=None):
    """`value` as a NumPy array of the given rank and dtype kind ("i" integer, "f" float,
    "if" either); a ragged list or an object array is refused with its shape problem named."""
    try:
        result = np.asarray(value)
    except ValueError:  # NumPy refuses ragged nested lists
        fail(name, "a rectangular array (every row the same length)", value)
    if result.dtype == object:
        fail(name, "a rectangular array of numbers (every row the same length)", value)
    if rank is not None and result.ndim != rank:
        fail(name, f"an array of rank {rank}", result)
    if dtype_kind is not None and result.dtype.kind not in dtype_kind:
        kinds = {"i": "integers", "f": "floats", "if": "numbers", "fi": "numbers"}[dtype_kind]
        fail(name, f"an array of {kinds}", result)
    return result


def token_ids(value, name, vocabulary_size=None, rank=None):
    """`value` as an int32 array of token ids in [0, vocabulary_size): integer dtype, or floats
    that are whole numbers; the first id out of range is named with its position."""
    ids = array(value, name, rank=rank)
    if ids.dtype.kind == "f":
        if not np.all(np.isfinite(ids)) or np.any(ids != np.round(ids)):
            fail(name, "integer token ids (floats only if they are whole numbers)", ids)
    elif ids.dtype.kind not in "iu":
        fail(name, "integer token ids", ids)
    if ids.size and vocabulary_size is not None:
        bad = np.argwhere((ids < 0) | (ids >= vocabulary_size))
        if len(bad):
            position = tuple(int(i) for i in bad[0])
            raise ArgumentError(f"`{name}` must hold integer ids in [0, {vocabulary_size}), got "
                                f"{ids[position].item():g} at index {position}")
    elif ids.size and ids.min() < 0:
        fail(name, "token ids >= 0", ids.min().item())
    return ids.astype(np.int32)
