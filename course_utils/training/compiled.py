"""The one cache of compiled functions: every `tf.function` of the package is made here.

`compiled(owner, key, build, **options)` returns `tf.function(build(), **options)`, made once per
(owner, key). The owner is what the function belongs to (a model, a layer, a step function);
the cache holds it weakly, so a model that goes away takes its compiled functions with it. Each
owner keeps its most recent `MAX_PER_OWNER` functions, so a long sweep over settings does not
keep every XLA program alive. Keys are built by `settings_key`, so that two equal
configurations share one function and two different ones never do.
"""
import collections
import weakref

import keras
import tensorflow as tf

MAX_PER_OWNER = 16
_CACHE = weakref.WeakKeyDictionary()  # owner -> OrderedDict(key -> tf.function)
_SHARED = collections.OrderedDict()  # functions of owners that cannot be referenced weakly


def compiled(owner, key, build, **options):
    """`tf.function(build(), **options)` for this owner and key, made on first use."""
    try:
        cache = _CACHE.setdefault(owner, collections.OrderedDict())
    except TypeError:  # not weakly referenceable (e.g. a bound method): one shared table
        cache, key = _SHARED, (id(owner), key)
    key = (key, settings_key(options))
    if key not in cache:
        cache[key] = tf.function(build(), **options)
        if len(cache) > MAX_PER_OWNER:
            cache.popitem(last=False)
    cache.move_to_end(key)
    return cache[key]


def cached_functions(owner):
    """How many compiled functions `owner` holds (for tests and the curious)."""
    return len(_CACHE.get(owner, ()))


def settings_key(value):
    """Hashable identity of a setting: plain values as they are, sequences and dicts element by
    element, Keras losses by class and config, anything else by identity."""
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(settings_key(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, settings_key(v)) for k, v in value.items()))
    if isinstance(value, tf.TensorSpec):
        return ("spec", tuple(value.shape.as_list()) if value.shape.rank is not None else None,
                value.dtype.name)
    if isinstance(value, keras.losses.Loss):
        try:
            return (type(value), repr(sorted(value.get_config().items())))
        except (TypeError, NotImplementedError):  # an unserializable custom loss
            return id(value)
    return id(value)
