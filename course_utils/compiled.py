"""The one cache of compiled functions: every `tf.function` of the package is made here.

`compiled(owner, key, build, **options)` returns `tf.function(build(), **options)`, made once per
(owner, key, options). `cached(owner, key, build)` is the same table for the objects that hold
compiled functions and their state (the training and evaluation steps of a model: optimizer,
metrics); `compiled` is `cached` of a `tf.function`. One policy holds for both:

- the owner is what the entry belongs to (a model, a layer, a step, a step function; for a
  bound method, its object) and the table holds it weakly, so an owner that goes away takes its
  entries with it. An entry must therefore not hold its owner strongly (a step holds its model
  through a weak reference), or the owner would live as long as the program;
- each owner keeps its `MAX_PER_OWNER` most recently used entries, so a long sweep over
  settings does not keep every XLA program alive;
- keys go through `settings_key`: two equal configurations share an entry, two different ones
  never do.

Example:
    square = compiled(layer, "square", lambda: (lambda x: x * x), jit_compile=True)
    square is compiled(layer, "square", lambda: (lambda x: x * x), jit_compile=True)  # True
"""

import collections
import inspect
import weakref

import keras
import tensorflow as tf

MAX_PER_OWNER = 16
_TABLES = weakref.WeakKeyDictionary()  # owner -> OrderedDict(key -> entry)
_SHARED = collections.OrderedDict()  # entries of owners that cannot be referenced weakly


def cached(owner, key, build):
    """`build()` for this owner and key, made on first use and kept while the owner lives."""
    table, key = _table(owner, settings_key(key))
    if key not in table:
        table[key] = build()
        if len(table) > MAX_PER_OWNER:
            table.popitem(last=False)
    table.move_to_end(key)
    return table[key]


def compiled(owner, key, build, **options):
    """`tf.function(build(), **options)` for this owner and key, made on first use."""
    return cached(owner, ("tf.function", key, options), lambda: tf.function(build(), **options))


def entries(owner):
    """The entries (compiled functions, steps) of `owner`, oldest first (for tests and the
    curious; `owner` weakly referenceable)."""
    return list(_TABLES.get(owner, {}).values())


def _table(owner, key):
    """(the table of `owner`, the key within it). A bound method lives only as long as the
    expression that made it, so its object is the owner and its function part of the key; an
    owner that cannot be referenced weakly shares one table, keyed by its id."""
    if inspect.ismethod(owner):
        owner, key = owner.__self__, ("method", owner.__func__, key)
    try:
        return _TABLES.setdefault(owner, collections.OrderedDict()), key
    except TypeError:
        return _SHARED, ("id", id(owner), key)


def settings_key(value):
    """Hashable identity of a setting: plain values as they are, sequences and dicts element by
    element, Keras losses by class and config, anything else by identity."""
    if value is None or isinstance(value, (str, int, float, bool, bytes, type)):
        return value
    if isinstance(value, tf.DType):
        return ("dtype", value.name)
    if isinstance(value, (list, tuple)):
        return tuple(settings_key(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, settings_key(v)) for k, v in value.items()))
    if isinstance(value, tf.TensorSpec):
        return (
            "spec",
            tuple(value.shape.as_list()) if value.shape.rank is not None else None,
            value.dtype.name,
        )
    if isinstance(value, keras.losses.Loss):
        try:
            return (type(value), repr(sorted(value.get_config().items())))
        except (TypeError, NotImplementedError):  # an unserializable custom loss
            return ("id", id(value))
    return ("id", id(value))
