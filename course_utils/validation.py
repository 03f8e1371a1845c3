"""The argument checks of every public entry point, with one message style.

Each check takes `(value, name, ...)`, returns the value converted to the plain Python or NumPy
type the caller needs, and otherwise raises `ArgumentError` with one sentence that quotes the bad
value and says what was expected:

    `units` must be an integer >= 1, got 0.5
    `dropout` must be a number in [0, 1), got 1.0
    `token_ids` must hold integer ids in [0, 50), got 57 at index (3, 12)
    `inputs` must be of shape (batch, time, features), got (32, 8)

`ArgumentError` is both a `ValueError` and a `TypeError`, so callers may catch either.
NumPy scalars are accepted wherever Python numbers are; `bool` is never taken for a number.

Checks: `integer`, `number`, `rate`, `fraction`, `flag`, `one_of`, `seed`, `array`, `token_ids`,
`shape`, and `optional(check, ...)` for an argument that may also be None. Predicates for code
that reports instead of raising (the exercise checks): `is_integer`, `is_number`, `is_flag`.
A check that fits none of these builds its sentence with `fail(name, expected, value)`.

Example:
    units = integer(units, "units", minimum=1)
    rate = number(dropout, "dropout", minimum=0.0, maximum=1.0, maximum_open=True)
    ids = token_ids(x, "x", vocabulary_size=50)       # int32 array, range-checked
    shape(input_shape, "inputs", ("batch", "time", "features"), known=("features",))
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
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fail(name, expected, value):
    """Raise the one-sentence error: `name` must be <expected>, got <value>."""
    raise ArgumentError(f"`{name}` must be {expected}, got {describe(value)}")


def is_integer(value):
    """True for Python and NumPy integers, False for bools (which Python counts as integers)."""
    is_bool = isinstance(value, (bool, np.bool_))
    return isinstance(value, (numbers.Integral, np.integer)) and not is_bool


def is_number(value):
    """True for Python and NumPy integers and floats (NaN and inf included), False for bools."""
    is_bool = isinstance(value, (bool, np.bool_))
    return isinstance(value, (numbers.Real, np.integer, np.floating)) and not is_bool


def _show(bound):
    return f"{bound:g}" if isinstance(bound, float) else str(bound)


def _bounds(minimum, maximum, minimum_open=False, maximum_open=False):
    low, high = _show(minimum), _show(maximum)
    if minimum is not None and maximum is not None:
        return f"in {'(' if minimum_open else '['}{low}, {high}{')' if maximum_open else ']'}"
    if minimum is not None:
        return f"{'>' if minimum_open else '>='} {low}"
    if maximum is not None:
        return f"{'<' if maximum_open else '<='} {high}"
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
        closed = minimum is not None and maximum is not None  # an interval says "finite" already
        fail(
            name,
            " ".join(filter(None, ["a number" if closed else "a finite number", bounds])),
            value,
        )
    return float(value)


def rate(value, name):
    """A dropout-style rate: a number in [0, 1)."""
    return number(value, name, minimum=0.0, maximum=1.0, maximum_open=True)


def fraction(value, name):
    """A share strictly between none and all: a number in (0, 1)."""
    return number(value, name, minimum=0.0, maximum=1.0, minimum_open=True, maximum_open=True)


def is_flag(value):
    """True for True and False, Python's or NumPy's; False for 0, 1 and everything else."""
    return isinstance(value, (bool, np.bool_))


def flag(value, name):
    """`value` as a bool, if it is True or False."""
    if not is_flag(value):
        fail(name, "True or False", value)
    return bool(value)


def one_of(value, name, options):
    """`value`, if it is one of `options` (compared with ==)."""
    if not any(type(value) is type(option) and value == option for option in options):
        fail(name, "one of " + ", ".join(repr(option) for option in options), value)
    return value


def optional(check, value, name, *args, **kwargs):
    """None if `value` is None, else `check(value, name, ...)`, whose message then says that None
    is allowed too: optional(integer, seed, "seed") -> "`seed` must be None or an integer"."""
    if value is None:
        return None
    try:
        return check(value, name, *args, **kwargs)
    except ArgumentError as error:
        message = str(error).replace(f"`{name}` must be ", f"`{name}` must be None or ", 1)
    raise ArgumentError(message)


def seed(value, name="seed"):
    """A random seed: an integer in [0, 2**31)."""
    return integer(value, name, minimum=0, maximum=SEED_LIMIT - 1)


_DTYPE_KINDS = {"i": ("iu", "integers"), "f": ("f", "floats"), "if": ("iuf", "numbers")}


def array(value, name, rank=None, dtype_kind=None):
    """`value` as a NumPy array of the given rank and dtype kind ("i" integer, signed or not,
    "f" float, "if" either); a ragged list or an object array is refused as not rectangular."""
    try:
        result = np.asarray(value)
    except ValueError:  # NumPy refuses ragged nested lists
        result = None
    if result is None or result.dtype == object:
        fail(name, "a rectangular array of numbers (every row the same length)", value)
    if rank is not None and result.ndim != rank:
        fail(name, f"an array of rank {rank}", result)
    if dtype_kind is not None and result.dtype.kind not in _DTYPE_KINDS[dtype_kind][0]:
        fail(name, f"an array of {_DTYPE_KINDS[dtype_kind][1]}", result)
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
    outside = ids < 0 if vocabulary_size is None else (ids < 0) | (ids >= vocabulary_size)
    if np.any(outside):
        position = tuple(int(i) for i in np.argwhere(outside)[0])
        where = position[0] if len(position) == 1 else position
        expected = ">= 0" if vocabulary_size is None else f"in [0, {vocabulary_size})"
        raise ArgumentError(
            f"`{name}` must hold integer ids {expected}, got {int(ids[position])} at index {where}"
        )
    return ids.astype(np.int32)


def _layout_text(layout):
    sizes = [str(size) for size in layout]
    return f"({sizes[0]},)" if len(sizes) == 1 else f"({', '.join(sizes)})"


def shape(value, name, layout, known=()):
    """`value` (a tuple, list or TensorShape) as a tuple of ints and Nones, if it has one size
    per entry of `layout`: an int entry must be matched exactly; a str entry names a size that
    may be anything, or must be known (not None) if the name is in `known`. `layout` may be a
    list of such tuples, any one of which fits (e.g. one decoder step or a whole sequence)."""
    try:
        sizes = tuple(value)
    except TypeError:  # not iterable
        sizes = None
    if sizes is None or not all(size is None or is_integer(size) for size in sizes):
        fail(name, "a shape (a tuple of sizes)", value)
    sizes = tuple(None if size is None else int(size) for size in sizes)
    layouts = layout if isinstance(layout, list) else [layout]
    for option in layouts:
        if len(sizes) == len(option) and all(
            size == entry if is_integer(entry) else size is not None or entry not in known
            for size, entry in zip(sizes, option)
        ):
            return sizes
    expected = " or ".join(_layout_text(option) for option in layouts)
    fail(name, f"of shape {expected}" + (f" with {', '.join(known)} known" if known else ""), sizes)


def fail_described(name, expected, described):
    """`fail` with the bad value already put in words: fail_described("y", "8 examples long",
    "7 examples") -> "`y` must be 8 examples long, got 7 examples"."""
    raise ArgumentError(f"`{name}` must be {expected}, got {described}")
