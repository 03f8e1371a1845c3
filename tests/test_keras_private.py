"""The Keras fence: the version check, and the internals it lends to the rest of the package."""

import keras
import numpy as np
import pytest

from course_utils import keras_private


class TestVersionCheck:
    def test_the_installed_keras_is_a_tested_one(self):
        keras_private.check_keras_version()  # importing course_utils already ran it

    @pytest.mark.parametrize("version", ["3.16.0", "3.14.2", "4.0.0", "2.15.0"])
    def test_an_untested_keras_fails_with_one_paragraph(self, version, monkeypatch):
        monkeypatch.delenv(keras_private.UNTESTED_VARIABLE, raising=False)
        with pytest.raises(ImportError, match=rf"Keras {version}.*pip install keras==3\.15\.\*"):
            keras_private.check_keras_version(version)

    def test_the_variable_turns_the_failure_into_a_warning(self, monkeypatch):
        monkeypatch.setenv(keras_private.UNTESTED_VARIABLE, "1")
        with pytest.warns(RuntimeWarning, match="Keras 3.99.0"):
            keras_private.check_keras_version("3.99.0")

    def test_a_patch_release_of_a_tested_version_passes(self):
        keras_private.check_keras_version("3.15.9")


class TestInternals:
    def test_all_layers_finds_nested_layers(self):
        inner = keras.layers.RNN(keras.layers.LSTMCell(3))
        model = keras.Sequential([keras.Input((4, 2)), keras.layers.Bidirectional(inner)])
        layers = keras_private.all_layers(model)
        assert layers[0] is model
        assert sum(isinstance(layer, keras.layers.RNN) for layer in layers) == 2  # both halves

    def test_keras_mask_reads_the_padding_mask(self):
        embedded = keras.layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 2, 0]]))
        np.testing.assert_array_equal(keras_private.keras_mask(embedded), [[True, True, False]])
        assert keras_private.keras_mask(np.zeros(3)) is None

    def test_replace_inner_loop_is_undone_after_the_context(self):
        layer = keras.layers.RNN(keras.layers.SimpleRNNCell(2))
        x = np.ones((1, 3, 2), "float32")
        expected = np.asarray(layer(x))
        calls = []

        def loop(rnn, *args, **kwargs):
            calls.append(rnn)
            return keras_private.keras_inner_loop(rnn, *args, **kwargs)

        with keras_private.replace_inner_loop([layer], loop):
            np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-6)
        assert calls == [layer]
        layer(x)
        assert calls == [layer] and "inner_loop" not in vars(layer)
