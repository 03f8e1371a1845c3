"""Tests of course_utils.analysis.dependency_depth against chains whose length is known."""

import keras
import pytest

from course_utils.analysis.dependency_depth import matmul_chain_length
from course_utils.layers.self_attention import SelfAttention
from course_utils.layers.transformer import TransformerEncoderLayer


def test_counts_products_one_after_another_not_side_by_side():
    w = keras.ops.ones((4, 4))
    assert matmul_chain_length(lambda x: x @ w @ w @ w, (2, 4)) == 3
    assert matmul_chain_length(lambda x: x @ w + x @ w + x @ w, (2, 4)) == 1  # in parallel
    assert matmul_chain_length(lambda x: x + 1.0, (2, 4)) == 0


@pytest.mark.parametrize("length", [1, 3, 8])
def test_an_unrolled_rnn_has_one_product_per_step(length):
    rnn = keras.layers.SimpleRNN(5, return_sequences=True, unroll=True)
    assert matmul_chain_length(rnn, (1, length, 3)) == length
    lstm = keras.layers.LSTM(5, unroll=True)
    assert matmul_chain_length(lstm, (2, length, 3)) == length


@pytest.mark.parametrize("length", [2, 16])
def test_attention_has_the_same_chain_at_every_length(length):
    assert matmul_chain_length(SelfAttention(2, 4), (1, length, 8)) == 4  # W_q, QKᵀ, AV, W_o
    encoder = TransformerEncoderLayer(8, 2, 16, attention="self_attention")
    assert matmul_chain_length(encoder, (1, length, 8)) == 6  # + the feed-forward block's two


def test_a_symbolic_loop_is_refused():
    with pytest.raises(ValueError, match="unroll the recurrence"):
        matmul_chain_length(keras.layers.LSTM(5), (1, 4, 3))
    with pytest.raises(ValueError, match="`input_shape` must be an integer >= 1, got 0$"):
        matmul_chain_length(keras.layers.Dense(2), (0, 3))
