"""Tests for course_utils.data.vocabulary.Vocabulary: reserved ids, encode/decode, padding, bad
input."""

import numpy as np
import pytest

from course_utils.data.vocabulary import Vocabulary


class TestConstruction:
    def test_reserved_ids_come_first(self):
        plain = Vocabulary(["x", "y"])
        assert plain.tokens == ("<pad>", "x", "y")
        assert plain.pad_id == 0
        assert (plain.start_id, plain.end_id, plain.unknown_id) == (None, None, None)
        full = Vocabulary(["x", "y"], start_end=True, unknown=True)
        assert full.tokens == ("<pad>", "<start>", "<end>", "<unk>", "x", "y")
        assert (full.pad_id, full.start_id, full.end_id, full.unknown_id) == (0, 1, 2, 3)
        assert len(full) == 6 and "x" in full and "z" not in full

    def test_string_is_read_as_characters(self):
        assert Vocabulary("abc").tokens == ("<pad>", "a", "b", "c")

    def test_from_sequences_is_sorted_and_unique(self):
        vocabulary = Vocabulary.from_sequences(["banana", "cab"])
        assert vocabulary.tokens == ("<pad>", "a", "b", "c", "n")
        words = Vocabulary.from_sequences([["one", "two"], ["two", "three"]], start_end=True)
        assert words.tokens[3:] == ("one", "three", "two")

    def test_repeated_token_is_rejected_by_name(self):
        with pytest.raises(ValueError, match="'a' is repeated"):
            Vocabulary(["a", "b", "a"])

    def test_reserved_token_is_rejected_by_name(self):
        with pytest.raises(ValueError, match="'<pad>' is a reserved token"):
            Vocabulary(["<pad>", "b"])

    def test_equality_and_repr(self):
        assert Vocabulary("ab") == Vocabulary(["a", "b"])
        assert Vocabulary("ab") != Vocabulary("ab", start_end=True)
        assert "size=3" in repr(Vocabulary("ab"))


class TestEncodeDecode:
    def test_round_trip_with_start_and_end(self):
        vocabulary = Vocabulary(["a", "b", "c"], start_end=True)
        ids = vocabulary.encode("cab", add_start=True, add_end=True)
        np.testing.assert_array_equal(ids, [1, 5, 3, 4, 2])
        assert ids.dtype == np.int32
        assert vocabulary.decode(ids) == ["c", "a", "b"]
        assert vocabulary.decode(ids, strip=False) == ["<start>", "c", "a", "b", "<end>"]
        assert vocabulary.decode_text(ids) == "cab"

    def test_decode_stops_at_end_and_skips_padding(self):
        vocabulary = Vocabulary(["one", "two"], start_end=True)
        assert vocabulary.decode_text([1, 3, 0, 4, 2, 3, 3], separator=" ") == "one two"

    def test_unknown_token_raises_naming_it(self):
        vocabulary = Vocabulary("abc")
        with pytest.raises(ValueError, match="'z' is not in the vocabulary"):
            vocabulary.encode("abz")

    def test_unknown_token_maps_to_unk_when_available(self):
        vocabulary = Vocabulary("abc", unknown=True)
        np.testing.assert_array_equal(vocabulary.encode("azb"), [2, 1, 3])
        assert vocabulary.decode([2, 1, 3]) == ["a", "<unk>", "b"]

    @pytest.mark.parametrize("bad_id", [4, 17, -1])
    def test_out_of_range_id_raises_naming_it(self, bad_id):
        vocabulary = Vocabulary("abc")
        with pytest.raises(
            ValueError,
            match=rf"`ids` must hold integer ids in \[0, 4\), got "
            rf"{bad_id} at index 1$",
        ):
            vocabulary.decode([1, bad_id])
        with pytest.raises(
            ValueError,
            match=rf"`index` must be an integer in \[0, 3\], got "
            rf"{bad_id}$",
        ):
            vocabulary.id_to_token(bad_id)

    def test_float_ids_are_a_type_error(self):
        with pytest.raises(
            TypeError,
            match=r"`ids` must be an array of integers, "
            r"got an array of shape \(2,\) and dtype float64$",
        ):
            Vocabulary("abc").decode(np.array([1.0, 2.0]))
        with pytest.raises(TypeError, match=r"`index` must be an integer in \[0, 3\], got 1.0$"):
            Vocabulary("abc").id_to_token(1.0)

    def test_start_end_need_reserved_tokens(self):
        with pytest.raises(ValueError, match="start_end=True"):
            Vocabulary("abc").encode("ab", add_end=True)

    def test_decode_rejects_two_dimensional_input(self):
        with pytest.raises(
            ValueError,
            match=r"`ids` must be a 1-D sequence of ids \(decode_batch "
            r"decodes a "
            r"batch\), got an array of shape \(1, 2\) and dtype "
            r"int64$",
        ):
            Vocabulary("abc").decode([[1, 2]])


class TestPadding:
    def test_post_and_pre_padding(self):
        vocabulary = Vocabulary("abc")
        np.testing.assert_array_equal(
            vocabulary.encode_batch(["ab", "c", ""]), [[1, 2], [3, 0], [0, 0]]
        )
        np.testing.assert_array_equal(
            vocabulary.encode_batch(["ab", "c"], padding="pre"), [[1, 2], [0, 3]]
        )
        batch = vocabulary.encode_batch(["ab"], max_length=4)
        assert batch.shape == (1, 4) and batch.dtype == np.int32

    def test_encode_batch_frames_every_row(self):
        vocabulary = Vocabulary("ab", start_end=True)
        np.testing.assert_array_equal(
            vocabulary.encode_batch(["a", "ab"], add_start=True, add_end=True),
            [[1, 3, 2, 0], [1, 3, 4, 2]],
        )

    def test_too_long_sequence_is_not_cut(self):
        with pytest.raises(ValueError, match="3 tokens, more than max_length=2"):
            Vocabulary("abc").encode_batch(["abc"], max_length=2)

    @pytest.mark.parametrize("bad", [0, -2, 1.5])
    def test_bad_max_length(self, bad):
        with pytest.raises(
            ValueError, match=f"`max_length` must be None or an integer >= 1, got {bad}$"
        ):
            Vocabulary("abc").pad([[1]], max_length=bad)

    def test_bad_padding_mode(self):
        with pytest.raises(
            ValueError, match="`padding` must be one of 'post', 'pre', got 'middle'$"
        ):
            Vocabulary("abc").pad([[1]], padding="middle")

    def test_decode_batch(self):
        vocabulary = Vocabulary("abc")
        batch = vocabulary.encode_batch(["ab", "c"])
        assert vocabulary.decode_batch(batch) == [["a", "b"], ["c"]]
        assert vocabulary.decode_batch(batch, separator="") == ["ab", "c"]
        with pytest.raises(
            ValueError,
            match=r"`ids` must be a 2-D \(batch, time\) array of ids, "
            r"got an array of shape \(2,\) and dtype int64$",
        ):
            vocabulary.decode_batch([1, 2])
