"""The one module that touches Keras internals (`keras.src` and underscore names).

Everything else in `course_utils` uses public Keras API only; a test holds that true. What is
borrowed, and why:

    DropoutRNNCell            the mixin that makes `keras.layers.RNN` draw one dropout mask per
                              sequence for a cell (mask caching only, no cell maths)
    all_layers(model)         every layer inside a model, the model included
    keras_mask(tensor)        the padding mask Keras attached to a layer's output, or None
    replace_inner_loop(...)   run a function instead of `keras.layers.RNN.inner_loop` while
                              the training step is traced (the fast loop of `training/`)

Importing this module checks the Keras version against `TESTED_KERAS`: on another version it
fails with one paragraph saying which version to install, because a renamed internal would
otherwise break deep inside a training call. Set COURSE_UNTESTED_KERAS=1 to go on with a warning.
"""

import contextlib
import functools
import os
import warnings

import keras

TESTED_KERAS = ("3.15",)  # major.minor versions the test suite has passed on
UNTESTED_VARIABLE = "COURSE_UNTESTED_KERAS"


def check_keras_version(version=keras.__version__):
    """Raise ImportError (or warn, with COURSE_UNTESTED_KERAS=1) on an untested Keras version."""
    if ".".join(version.split(".")[:2]) in TESTED_KERAS:
        return
    message = (
        f"course_utils was tested with Keras {', '.join(TESTED_KERAS)}.x and this Python has "
        f"Keras {version}, whose internals may differ. Install the tested version with "
        f"`pip install keras=={TESTED_KERAS[-1]}.*` (or run `python3 course.py run`, which "
        f"installs the pinned set), or set {UNTESTED_VARIABLE}=1 to try anyway."
    )
    if os.environ.get(UNTESTED_VARIABLE) == "1":
        warnings.warn(message, RuntimeWarning, stacklevel=2)
    else:
        raise ImportError(message)


check_keras_version()

from keras.src.layers.rnn.dropout_rnn_cell import DropoutRNNCell  # noqa: E402,F401


def all_layers(model):
    """Every layer inside `model`, `model` itself first, nested layers included."""
    return list(model._flatten_layers(include_self=True))


def keras_mask(tensor):
    """The padding mask Keras attached to a layer's output, or None."""
    return getattr(tensor, "_keras_mask", None)


@contextlib.contextmanager
def replace_inner_loop(layers, loop):
    """Within the context each `keras.layers.RNN` in `layers` runs `loop(layer, sequences,
    initial_state, mask, training=...)` in place of its own `inner_loop`."""
    for layer in layers:
        layer.inner_loop = functools.partial(loop, layer)
    try:
        yield layers
    finally:
        for layer in layers:
            del layer.inner_loop


def keras_inner_loop(layer, sequences, initial_state, mask, training=False):
    """`keras.layers.RNN`'s own loop for `layer`, whatever has replaced it on the instance."""
    return type(layer).inner_loop(layer, sequences, initial_state, mask, training=training)
