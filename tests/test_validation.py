"""Tests for course_utils.validation: every check, its accepted values (NumPy scalars included),
its refusals (bools, wrong types, values just outside open and closed bounds) and the one-sentence
message "`name` must be <expected>, got <value>" that each refusal raises."""

import inspect
import re

import numpy as np
import pytest

from course_utils import validation
from course_utils.validation import (
    ArgumentError,
    array,
    describe,
    fail,
    flag,
    fraction,
    is_flag,
    is_integer,
    is_number,
    integer,
    number,
    one_of,
    optional,
    rate,
    seed,
    shape,
    token_ids,
)


def message_of(call, *args, **kwargs):
    """The message of the ArgumentError that `call(*args, **kwargs)` raises."""
    with pytest.raises(ArgumentError) as error:
        call(*args, **kwargs)
    return str(error.value)


class TestArgumentError:
    def test_is_both_value_and_type_error(self):
        assert issubclass(ArgumentError, ValueError) and issubclass(ArgumentError, TypeError)
        for kind in (ValueError, TypeError):
            with pytest.raises(kind):
                integer("3", "units")

    def test_fail_writes_one_sentence(self):
        assert message_of(fail, "units", "an integer >= 1", 0) == (
            "`units` must be an integer >= 1, got 0"
        )
        assert message_of(fail, "x", "finite", np.ones(3)) == (
            "`x` must be finite, got an array of shape (3,) and dtype float64"
        )

    def test_fail_described_takes_the_value_in_words(self):
        assert message_of(validation.fail_described, "y", "8 examples long", "7 examples") == (
            "`y` must be 8 examples long, got 7 examples"
        )


class TestDescribe:
    def test_short_values_are_their_repr(self):
        assert describe("tanhh") == "'tanhh'"
        assert describe(2.5) == "2.5"
        assert describe(None) == "None"

    def test_long_values_are_cut(self):
        text = describe(list(range(100)))
        assert len(text) == 60 and text.endswith("...") and text.startswith("[0, 1, 2")
        assert describe("x" * 10, limit=8) == "'xxxx..."

    def test_arrays_are_named_by_shape_and_dtype(self):
        assert describe(np.zeros((2, 3), np.float32)) == (
            "an array of shape (2, 3) and dtype float32"
        )


class TestPredicates:
    @pytest.mark.parametrize("value", [0, -7, 2**70, np.int8(3), np.int64(-1), np.uint16(5)])
    def test_integers(self, value):
        assert is_integer(value) and is_number(value) and not is_flag(value)

    @pytest.mark.parametrize(
        "value", [0.5, np.float32(2.0), np.float64(-1e300), float("nan"), float("inf")]
    )
    def test_floats_are_numbers_not_integers(self, value):
        assert is_number(value) and not is_integer(value)

    @pytest.mark.parametrize("value", [True, False, np.bool_(True), np.bool_(False)])
    def test_bools_are_flags_never_numbers(self, value):
        assert is_flag(value) and not is_integer(value) and not is_number(value)

    @pytest.mark.parametrize("value", ["1", None, [1], np.array(1), np.array([1]), 1j, b"1"])
    def test_other_values_are_neither(self, value):
        assert not is_integer(value) and not is_number(value) and not is_flag(value)


class TestInteger:
    @pytest.mark.parametrize("value", [1, np.int32(1), np.int64(7), np.uint8(200), 10**12])
    def test_accepts_python_and_numpy_integers_returning_int(self, value):
        result = integer(value, "units", minimum=1)
        assert result == value and type(result) is int

    @pytest.mark.parametrize(
        "value, shown",
        [
            (True, "True"),
            (np.bool_(False), "np.False_"),
            (2.0, "2.0"),
            (np.float64(3), "np.float64(3.0)"),
            ("4", "'4'"),
            (None, "None"),
        ],
    )
    def test_refuses_bools_floats_and_strings(self, value, shown):
        assert message_of(integer, value, "units") == f"`units` must be an integer, got {shown}"

    def test_closed_bounds_include_their_ends(self):
        assert integer(1, "k", minimum=1, maximum=3) == 1
        assert integer(3, "k", minimum=1, maximum=3) == 3
        assert message_of(integer, 0, "k", minimum=1, maximum=3) == (
            "`k` must be an integer in [1, 3], got 0"
        )
        assert message_of(integer, 4, "k", minimum=1, maximum=3) == (
            "`k` must be an integer in [1, 3], got 4"
        )

    def test_one_sided_bounds(self):
        assert message_of(integer, -1, "washout", minimum=0) == (
            "`washout` must be an integer >= 0, got -1"
        )
        assert message_of(integer, 9, "steps", maximum=8) == (
            "`steps` must be an integer <= 8, got 9"
        )
        assert integer(-5, "offset") == -5


class TestNumber:
    @pytest.mark.parametrize("value", [0.25, 1, np.float32(0.25), np.float64(0.25), np.int64(1)])
    def test_accepts_python_and_numpy_numbers_returning_float(self, value):
        result = number(value, "scale")
        assert result == float(value) and type(result) is float

    @pytest.mark.parametrize(
        "value, shown",
        [
            (True, "True"),
            (np.bool_(True), "np.True_"),
            ("0.5", "'0.5'"),
            (float("nan"), "nan"),
            (float("inf"), "inf"),
            (None, "None"),
        ],
    )
    def test_refuses_bools_strings_and_non_finite_values(self, value, shown):
        assert message_of(number, value, "scale") == f"`scale` must be a finite number, got {shown}"

    def test_open_and_closed_bounds(self):
        assert number(0.0, "x", minimum=0.0) == 0.0
        assert message_of(number, 0.0, "x", minimum=0.0, minimum_open=True) == (
            "`x` must be a finite number > 0, got 0.0"
        )
        assert number(1.0, "x", maximum=1.0) == 1.0
        assert message_of(number, 1.0, "x", maximum=1.0, maximum_open=True) == (
            "`x` must be a finite number < 1, got 1.0"
        )
        assert message_of(number, 2, "x", 0.0, 1.0, minimum_open=True) == (
            "`x` must be a number in (0, 1], got 2"
        )
        assert message_of(number, -1e-9, "x", 0.0, 1.0) == (
            "`x` must be a number in [0, 1], got -1e-09"
        )

    def test_bounds_are_written_briefly(self):
        assert message_of(number, 1e-7, "eps", minimum=1e-6) == (
            "`eps` must be a finite number >= 1e-06, got 1e-07"
        )
        assert message_of(number, 3, "p", 0, 2.5) == "`p` must be a number in [0, 2.5], got 3"


class TestRatesAndFractions:
    @pytest.mark.parametrize("value", [0, 0.0, 0.5, np.float32(0.999)])
    def test_rate_is_in_zero_one_half_open(self, value):
        assert rate(value, "dropout") == pytest.approx(float(value))

    @pytest.mark.parametrize("value, shown", [(1.0, "1.0"), (-0.1, "-0.1"), (True, "True")])
    def test_rate_refusals(self, value, shown):
        assert message_of(rate, value, "dropout") == (
            f"`dropout` must be a number in [0, 1), got {shown}"
        )

    def test_fraction_is_in_zero_one_open(self):
        assert fraction(0.1, "alpha") == 0.1 and fraction(np.float64(0.9), "alpha") == 0.9
        for value in (0.0, 1.0, 0):
            assert message_of(fraction, value, "alpha") == (
                f"`alpha` must be a number in (0, 1), got {value!r}"
            )


class TestFlag:
    @pytest.mark.parametrize(
        "value, expected", [(True, True), (False, False), (np.bool_(True), True)]
    )
    def test_accepts_bools(self, value, expected):
        result = flag(value, "residual")
        assert result is expected

    @pytest.mark.parametrize("value", [0, 1, "yes", None, 1.0])
    def test_refuses_numbers_and_strings(self, value):
        assert message_of(flag, value, "residual") == (
            f"`residual` must be True or False, got {value!r}"
        )


class TestOneOf:
    def test_accepts_an_option(self):
        assert one_of("sum", "merge_mode", ("concat", "sum", None)) == "sum"
        assert one_of(None, "merge_mode", ("concat", "sum", None)) is None

    def test_lists_the_options(self):
        assert message_of(one_of, "max", "merge_mode", ("concat", "sum", None)) == (
            "`merge_mode` must be one of 'concat', 'sum', None, got 'max'"
        )

    def test_compares_types_too(self):
        """1 == True and 0 == False in Python; an option list of ints does not take bools."""
        message = message_of(one_of, True, "depth", (1, 2))
        assert message == "`depth` must be one of 1, 2, got True"

    def test_an_array_is_refused_not_compared_elementwise(self):
        assert message_of(one_of, np.array(["a"]), "split", ("a", "b")).startswith(
            "`split` must be one of 'a', 'b', got an array of shape (1,)"
        )


class TestOptional:
    def test_none_passes_and_other_values_are_checked(self):
        assert optional(integer, None, "seed") is None
        assert optional(integer, np.int64(3), "seed", minimum=0) == 3

    def test_the_message_says_none_is_allowed(self):
        assert message_of(optional, integer, -1, "max_length", minimum=1) == (
            "`max_length` must be None or an integer >= 1, got -1"
        )
        assert message_of(optional, number, 2.0, "floor", 0.0, 1.0) == (
            "`floor` must be None or a number in [0, 1], got 2.0"
        )


class TestSeed:
    @pytest.mark.parametrize("value", [0, 2**31 - 1, np.int64(42)])
    def test_accepts_int32_safe_seeds(self, value):
        assert seed(value) == value

    @pytest.mark.parametrize("value", [-1, 2**31, 1.0, True])
    def test_refuses_others(self, value):
        assert message_of(seed, value) == (
            f"`seed` must be an integer in [0, 2147483647], got {value!r}"
        )


class TestArray:
    def test_returns_an_array_with_rank_and_kind_checked(self):
        result = array([[1, 2], [3, 4]], "x", rank=2, dtype_kind="i")
        assert isinstance(result, np.ndarray) and result.shape == (2, 2)
        unsigned = array(np.zeros(3, np.uint8), "x", dtype_kind="i")  # unsigned ints count
        assert unsigned.dtype == np.uint8
        assert array([0.5], "x", dtype_kind="if").dtype.kind == "f"

    def test_ragged_lists_are_refused(self):
        expected = (
            "`x` must be a rectangular array of numbers (every row the same length), "
            "got [[1, 2], [3]]"
        )
        assert message_of(array, [[1, 2], [3]], "x") == expected
        assert message_of(array, [[1, 2], "ab"], "x").startswith("`x` must be a rectangular array")

    def test_rank_and_dtype_are_named(self):
        assert message_of(array, [1, 2], "x", rank=2) == (
            "`x` must be an array of rank 2, got an array of shape (2,) and dtype int64"
        )
        assert message_of(array, [1.5], "x", dtype_kind="i") == (
            "`x` must be an array of integers, got an array of shape (1,) and dtype float64"
        )
        assert message_of(array, [1], "x", dtype_kind="f") == (
            "`x` must be an array of floats, got an array of shape (1,) and dtype int64"
        )
        assert message_of(array, [True], "x", dtype_kind="if").startswith(
            "`x` must be an array of numbers"
        )


class TestTokenIds:
    def test_integer_ids_become_int32(self):
        ids = token_ids(np.array([[0, 4], [2, 1]], np.int64), "x", vocabulary_size=5)
        assert ids.dtype == np.int32 and ids.tolist() == [[0, 4], [2, 1]]
        assert token_ids([], "x", vocabulary_size=5).shape == (0,)

    def test_whole_float_ids_are_accepted_and_fractional_ones_refused(self):
        assert token_ids([1.0, 3.0], "x", vocabulary_size=5).tolist() == [1, 3]
        assert message_of(token_ids, [1.0, 2.5], "x") == (
            "`x` must be integer token ids (floats only if they are whole numbers), "
            "got an array of shape (2,) and dtype float64"
        )
        assert message_of(token_ids, [np.nan], "x").startswith(
            "`x` must be integer token ids (floats only"
        )

    def test_other_dtypes_are_refused(self):
        assert message_of(token_ids, [True, False], "x") == (
            "`x` must be integer token ids, got an array of shape (2,) and dtype bool"
        )
        assert message_of(token_ids, ["a"], "x").startswith(
            "`x` must be integer token ids, got an array"
        )

    def test_out_of_range_ids_are_named_with_their_position(self):
        ids = np.zeros((4, 20), np.int64)
        ids[3, 12], ids[3, 15] = 57, 60
        assert message_of(token_ids, ids, "token_ids", vocabulary_size=50) == (
            "`token_ids` must hold integer ids in [0, 50), got 57 at index (3, 12)"
        )
        assert message_of(token_ids, [0, 1, 50], "x", vocabulary_size=50) == (
            "`x` must hold integer ids in [0, 50), got 50 at index 2"
        )
        assert message_of(token_ids, [3, -1], "x") == (
            "`x` must hold integer ids >= 0, got -1 at index 1"
        )
        assert message_of(token_ids, [[2.0, -4.0]], "x", vocabulary_size=3) == (
            "`x` must hold integer ids in [0, 3), got -4 at index (0, 1)"
        )

    def test_rank(self):
        assert message_of(token_ids, [1, 2], "x", rank=2).startswith(
            "`x` must be an array of rank 2"
        )

    def test_ragged_ids(self):
        assert message_of(token_ids, [[1, 2], [3]], "x").startswith(
            "`x` must be a rectangular array"
        )


class TestShape:
    def test_named_sizes_take_anything_and_ints_must_match(self):
        assert shape((32, None, 8), "inputs", ("batch", "time", "features")) == (32, None, 8)
        assert shape([np.int64(2), 5], "x", ("batch", 5)) == (2, 5)
        assert shape((2, 5), "x", (2, np.int64(5))) == (2, 5)
        assert message_of(shape, (2, 6), "x", ("batch", 5)) == (
            "`x` must be of shape (batch, 5), got (2, 6)"
        )

    def test_rank_is_checked(self):
        assert message_of(shape, (32, 8), "inputs", ("batch", "time", "features")) == (
            "`inputs` must be of shape (batch, time, features), got (32, 8)"
        )
        assert message_of(shape, (4,), "bias", (3,)) == "`bias` must be of shape (3,), got (4,)"

    def test_known_sizes_must_not_be_none(self):
        layout = ("batch", "time", "features")
        assert shape((None, None, 4), "x", layout, known=("features",)) == (None, None, 4)
        assert message_of(shape, (None, 3, None), "x", layout, known=("features",)) == (
            "`x` must be of shape (batch, time, features) with features known, got (None, 3, None)"
        )

    def test_alternative_layouts(self):
        layouts = [("batch", "units"), ("batch", "T", "units")]
        assert shape((2, 4), "query", layouts) == (2, 4)
        assert shape((2, 3, 4), "query", layouts) == (2, 3, 4)
        assert message_of(shape, (2, 3, 4, 5), "query", layouts) == (
            "`query` must be of shape (batch, units) or (batch, T, units), got (2, 3, 4, 5)"
        )

    def test_accepts_a_tensorflow_shape(self):
        import tensorflow as tf

        assert shape(tf.TensorShape([None, 7]), "x", ("batch", "time")) == (None, 7)

    def test_a_non_shape_is_refused(self):
        assert message_of(shape, 5, "x", ("batch",)) == (
            "`x` must be a shape (a tuple of sizes), got 5"
        )
        assert message_of(shape, ("a", 2), "x", ("batch", 2)) == (
            "`x` must be a shape (a tuple of sizes), got ('a', 2)"
        )
        assert message_of(shape, (2.5, 2), "x", ("batch", 2)).startswith(
            "`x` must be a shape (a tuple"
        )


def test_every_public_function_is_tested_here():
    """A function added to validation.py without a test here fails this test."""
    public = {
        name
        for name, value in vars(validation).items()
        if inspect.isfunction(value)
        and not name.startswith("_")
        and value.__module__ == validation.__name__
    }
    tests = open(__file__).read().split("def message_of")[1].split("def test_every")[0]
    untested = sorted(name for name in public if not re.search(rf"\b{name}\b", tests))
    assert not untested, f"no test calls {untested}"
