"""The assignments' test-cell helpers: library calls are caught however they are reached, and the
hints name the bug that produced a wrong array."""

import numpy as np
import pytest

from course_utils.check.homework import close_to, compare_arrays, without_libraries

EXPECTED = np.arange(1.0, 7.0).reshape(2, 3)


def numpy_only(a):
    return np.tanh(a) @ a.T


def through_tensorflow(a):
    import tensorflow as renamed

    return renamed.tanh(a).numpy()


def through_keras_ops(a):
    import keras

    return keras.ops.convert_to_numpy(keras.ops.tanh(a))


def through_course_utils(a):
    from course_utils.analysis import ngram

    return ngram.NGramModel(order=1, vocabulary_size=2)


def through_a_helper(a):
    return through_tensorflow(a)  # the call is nested in a function of the notebook


class TestWithoutLibraries:
    def test_numpy_code_runs_and_returns_its_result(self):
        a = np.ones((2, 2))
        np.testing.assert_array_equal(without_libraries(numpy_only, a), numpy_only(a))

    @pytest.mark.parametrize(
        "function, package",
        [
            (through_tensorflow, "tensorflow"),
            (through_keras_ops, "keras"),
            (through_course_utils, "course_utils"),
            (through_a_helper, "tensorflow"),
        ],
    )
    def test_a_library_call_fails_and_names_the_package(self, function, package):
        with pytest.raises(AssertionError, match=f"{function.__name__} calls .*{package}"):
            without_libraries(function, np.ones((2, 2)))

    def test_the_profiler_is_restored_even_when_the_function_raises(self):
        import sys

        def broken():
            raise KeyError("student bug")

        with pytest.raises(KeyError):
            without_libraries(broken)
        assert sys.getprofile() is None

    def test_the_forbidden_list_can_be_narrowed(self):
        assert without_libraries(through_course_utils, None, forbidden=("tensorflow",)) is not None


class TestCompareArrays:
    def test_a_match_passes_within_tolerance(self):
        compare_arrays("d", EXPECTED + 1e-12, EXPECTED, tolerance=1e-9)
        assert close_to(EXPECTED, EXPECTED, 0.0)

    @pytest.mark.parametrize(
        "got, hint",
        [
            (EXPECTED.T, "transposed; expected shape"),
            (np.ones(4), r"expected shape \(2, 3\), got \(4,\)"),
            (-EXPECTED, "sign is flipped"),
            (2 * EXPECTED, "constant factor of 2"),
            (EXPECTED + 1e-6, "close but not exact"),
            (EXPECTED + 1.0, "wrong values"),
            (EXPECTED * np.nan, "NaN or infinity"),
            ("not numbers", "expected an array of numbers"),
        ],
    )
    def test_a_wrong_array_gets_a_hint_that_names_the_bug(self, got, hint):
        with pytest.raises(AssertionError, match=hint):
            compare_arrays("dW", got, EXPECTED, tolerance=1e-9)

    def test_a_wrong_number_is_not_called_a_constant_factor(self):
        with pytest.raises(AssertionError, match="wrong values"):
            compare_arrays("bits per character", 2.5, 3.1)

    def test_a_square_matrix_transposed_is_caught_although_its_shape_is_right(self):
        square = np.arange(9.0).reshape(3, 3)
        with pytest.raises(AssertionError, match="square, so the shape looked right"):
            compare_arrays("dW_hh", square.T, square)
