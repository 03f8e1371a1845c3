"""course_utils.setup: seeds, quiet logs, plot defaults and the environment summary."""

import random
import re

import numpy as np
import pytest

import course_utils


class TestSetup:
    def test_summary_names_versions_and_xla(self, capsys):
        summary = course_utils.setup(seed=3)
        line = capsys.readouterr().out
        assert summary["tensorflow"] in line and summary["keras"] in line
        assert "XLA: available" in line and "seed 3" in line
        assert summary["backend"] == "tensorflow"
        assert summary["xla"] is True

    def test_same_seed_same_random_numbers(self):
        import tensorflow as tf

        def draw():
            return random.random(), np.random.rand(), float(tf.random.uniform(()))

        course_utils.setup(seed=7, verbose=False)
        first = draw()
        course_utils.setup(seed=7, verbose=False)
        assert draw() == first
        course_utils.setup(seed=8, verbose=False)
        assert draw() != first

    def test_plot_defaults_applied(self):
        import matplotlib.pyplot as plt

        course_utils.setup(seed=0, verbose=False)
        assert plt.rcParams["axes.grid"] is True

    @pytest.mark.parametrize("seed", [-1, 1.5, "0", None, True])
    def test_bad_seed_is_a_clear_error(self, seed):
        with pytest.raises(
            ValueError,
            match=rf"`seed` must be an integer >= 0, got "
            rf"{re.escape(repr(seed))}$",
        ):
            course_utils.setup(seed=seed)

    @pytest.mark.parametrize("count", [0, -2, 1.5, "2", True])
    def test_bad_cpu_devices_is_a_clear_error(self, count):
        with pytest.raises(
            ValueError,
            match=rf"`cpu_devices` must be an integer >= 1, got "
            rf"{re.escape(repr(count))}$",
        ):
            course_utils.setup(seed=0, cpu_devices=count)

    def test_cpu_devices_after_tensorflow_started_says_restart(self):
        course_utils.setup(seed=0, verbose=False)  # starts the runtime with one CPU device
        course_utils.setup(seed=0, verbose=False, cpu_devices=1)  # what it has: accepted
        with pytest.raises(
            RuntimeError,
            match="cpu_devices=3 can only be set before TensorFlow starts.*Restart the kernel",
        ):
            course_utils.setup(seed=0, cpu_devices=3)


class TestShowSource:
    def test_prints_source_of_a_function(self, capsys):
        course_utils.show_source(course_utils.xla_available)
        assert "def xla_available" in capsys.readouterr().out

    def test_rejects_an_instance(self):
        with pytest.raises(TypeError, match="expects a class, function or method"):
            course_utils.show_source(3)
