"""Tests of course_utils.decoding against brute force on models whose probabilities are known.

The model is a table of log-probabilities log p(next | batch element, step, previous token):
its step function reads the table, so every decoder can be compared with a NumPy enumeration
of all outputs (float64) that shares no code with the library.
"""

import gc
import itertools
import weakref

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils.decoding import (
    DecoderState,
    all_outputs,
    beam_search,
    exhaustive_search,
    greedy_decode,
    sample_decode,
    seq2seq_step_fn,
    sequence_log_prob,
    strip_special,
)

VOCAB, LENGTH, END, START, PAD = 4, 4, 3, 0, 0


def random_tables(batch, seed, vocab=VOCAB, length=LENGTH, end_id=END, end_bias=-1.0):
    """Random log-prob tables (batch, length, vocab, vocab); END made less likely by `end_bias`."""
    logits = np.random.default_rng(seed).normal(scale=1.5, size=(batch, length, vocab, vocab))
    logits[..., end_id] += end_bias
    return logits - np.log(np.exp(logits).sum(-1, keepdims=True))


class TableModel:
    """step_fn over a fixed table; the state is (batch index, step) so reordering is checked too."""

    def __init__(self, tables):
        self.tables = np.asarray(tables)
        self.table = tf.constant(self.tables, tf.float32)

    def initial_state(self):
        batch = self.tables.shape[0]
        return (tf.range(batch), tf.zeros(batch, tf.int32))

    def step(self, tokens, state):
        rows, steps = state
        log_probs = tf.gather_nd(
            self.table, tf.stack([rows, steps, tokens], axis=-1)
        )  # (batch, vocab)
        return log_probs, (rows, steps + 1)


class ContextTableModel(TableModel):
    """The same tables given as a `DecoderState` context: only the step counter is recurrent.
    Every step records the context and recurrent tensors it received, and in which graph."""

    def initial_state(self):
        return DecoderState(tf.zeros(self.tables.shape[0], tf.int32), self.table)

    def step(self, tokens, state):
        self.seen.append((state.context, state.recurrent, tf.compat.v1.get_default_graph()))
        steps, table = state
        rows = tf.range(tf.shape(tokens)[0])
        log_probs = tf.gather_nd(table, tf.stack([rows, steps, tokens], axis=-1))
        return log_probs, DecoderState(steps + 1, table)

    def __init__(self, tables):
        super().__init__(tables)
        self.seen = []


def numpy_sample(table, temperature, draws, max_length=LENGTH):
    """NumPy's own sampler: Generator.choice on softmax(log p / T), one uniform draw per step."""
    previous, output = START, []
    for t in range(max_length):
        tempered = np.exp(table[t, previous] / temperature)
        tempered /= tempered.sum()
        cdf = np.cumsum(tempered)
        token = int(np.searchsorted(cdf / cdf[-1], draws[t], side="right"))
        output.append(token)
        previous = token
        if token == END:
            break
    return tuple(output)


def brute_force(table, length_penalty=0.0, max_length=LENGTH):
    """All outputs of one table with their (log p, length), scored in float64 by enumeration."""
    others = [token for token in range(table.shape[-1]) if token != END]
    outputs = [
        prefix + (END,) for n in range(max_length) for prefix in itertools.product(others, repeat=n)
    ]
    outputs += list(itertools.product(others, repeat=max_length))
    results = []
    for output in outputs:
        previous, log_prob = START, 0.0
        for t, token in enumerate(output):
            log_prob += table[t, previous, token]
            previous = token
        results.append((log_prob / len(output) ** length_penalty, log_prob, output))
    return sorted(results, reverse=True)


def numpy_greedy(table, max_length=LENGTH):
    previous, output, log_prob = START, [], 0.0
    for t in range(max_length):
        token = int(np.argmax(table[t, previous]))
        output.append(token)
        log_prob += table[t, previous, token]
        previous = token
        if token == END:
            break
    return tuple(output), log_prob


def as_tuple(tokens, length):
    return tuple(int(x) for x in tokens[:length])


@pytest.fixture(scope="module")
def model():
    return TableModel(random_tables(batch=8, seed=0))


class TestGreedy:
    def test_matches_numpy_greedy(self, model):
        result = greedy_decode(model.step, model.initial_state(), START, END, LENGTH)
        for b, table in enumerate(model.tables):
            expected, log_prob = numpy_greedy(table)
            assert as_tuple(result.tokens[b], result.lengths[b]) == expected
            assert result.log_probs[b] == pytest.approx(log_prob, abs=1e-5)
            assert np.all(result.tokens[b, result.lengths[b] :] == PAD)

    def test_stops_at_end(self):
        tables = np.full((1, LENGTH, VOCAB, VOCAB), np.log(0.1))
        tables[..., END] = np.log(0.7)  # END is always the most likely token
        model = TableModel(tables)
        result = greedy_decode(model.step, model.initial_state(), START, END, LENGTH, pad_id=1)
        assert result.lengths.tolist() == [1]
        assert result.tokens.tolist() == [[END, 1, 1, 1]]


class TestSampling:
    def test_frequencies_match_tempered_probabilities(self):
        tables = random_tables(batch=1, seed=3)
        model = TableModel(np.repeat(tables, 4000, axis=0))
        for temperature in (1.0, 2.0):
            result = sample_decode(
                model.step, model.initial_state(), START, END, 1, temperature=temperature, seed=5
            )
            frequencies = np.bincount(result.tokens[:, 0], minlength=VOCAB) / len(result.tokens)
            tempered = np.exp(tables[0, 0, START] / temperature)
            tempered /= tempered.sum()
            np.testing.assert_allclose(frequencies, tempered, atol=0.03)
            # reported log-probabilities are under the model itself (temperature 1)
            np.testing.assert_allclose(
                result.log_probs, tables[0, 0, START][result.tokens[:, 0]], atol=1e-5
            )

    def test_draws_are_numpys_choice_with_the_same_seed(self):
        one = TableModel(random_tables(batch=1, seed=6))
        rng = np.random.default_rng(21)
        expected = []
        previous = START
        for t in range(LENGTH):  # Generator.choice itself, one call per step
            probabilities = np.exp(one.tables[0, t, previous] / 0.7)
            previous = int(rng.choice(VOCAB, p=probabilities / probabilities.sum()))
            expected.append(previous)
            if previous == END:
                break
        result = sample_decode(
            one.step, one.initial_state(), START, END, LENGTH, temperature=0.7, seed=21
        )
        assert as_tuple(result.tokens[0], result.lengths[0]) == tuple(expected)

    def test_batch_rows_take_their_own_draws(self, model):
        draws = np.random.default_rng(4).random((LENGTH, len(model.tables)))  # (step, row)
        for temperature in (0.5, 1.0, 3.0):
            result = sample_decode(
                model.step,
                model.initial_state(),
                START,
                END,
                LENGTH,
                temperature=temperature,
                seed=4,
            )
            for b, table in enumerate(model.tables):
                expected = numpy_sample(table.astype(np.float64), temperature, draws[:, b])
                assert as_tuple(result.tokens[b], result.lengths[b]) == expected

    def test_same_seed_same_samples_and_low_temperature_is_greedy(self, model):
        state = model.initial_state()
        first = sample_decode(model.step, state, START, END, LENGTH, temperature=1.0, seed=11)
        again = sample_decode(model.step, state, START, END, LENGTH, temperature=1.0, seed=11)
        np.testing.assert_array_equal(first.tokens, again.tokens)
        cold = sample_decode(model.step, state, START, END, LENGTH, temperature=1e-4, seed=11)
        greedy = greedy_decode(model.step, state, START, END, LENGTH)
        np.testing.assert_array_equal(cold.tokens, greedy.tokens)


class TestBeamSearch:
    @pytest.mark.parametrize("length_penalty", [0.0, 1.0])
    def test_width_one_equals_greedy(self, model, length_penalty):
        greedy = greedy_decode(model.step, model.initial_state(), START, END, LENGTH)
        beam = beam_search(
            model.step,
            model.initial_state(),
            START,
            END,
            LENGTH,
            beam_width=1,
            length_penalty=length_penalty,
        )
        np.testing.assert_array_equal(beam.best_tokens, greedy.tokens)
        np.testing.assert_array_equal(beam.best_lengths, greedy.lengths)
        np.testing.assert_allclose(beam.best_log_probs, greedy.log_probs, atol=1e-5)

    @pytest.mark.parametrize("length_penalty", [0.0, 0.6, 1.0])
    def test_full_width_equals_brute_force(self, model, length_penalty):
        width = VOCAB**LENGTH  # at least the number of distinct outputs
        beam = beam_search(
            model.step,
            model.initial_state(),
            START,
            END,
            LENGTH,
            beam_width=width,
            length_penalty=length_penalty,
        )
        greedy_is_suboptimal = 0
        for b, table in enumerate(model.tables):
            ranking = brute_force(table, length_penalty)
            assert (
                ranking[0][0] - ranking[1][0] > 1e-4
            )  # no near tie, so the argmax is well defined
            assert as_tuple(beam.best_tokens[b], beam.best_lengths[b]) == ranking[0][2]
            assert beam.scores[b, 0] == pytest.approx(ranking[0][0], abs=1e-4)
            # every distinct output is in the beam, in the same order as the enumeration
            found = [
                as_tuple(t, n)
                for t, n, s in zip(beam.tokens[b], beam.lengths[b], beam.scores[b])
                if s > -np.inf
            ]
            assert len(found) == len(ranking) == len(set(found))
            np.testing.assert_allclose(
                beam.scores[b][: len(ranking)], [r[0] for r in ranking], atol=1e-4
            )
            greedy_is_suboptimal += numpy_greedy(table)[0] != ranking[0][2]
        if length_penalty == 0.0:
            assert greedy_is_suboptimal >= 2  # the tables make the test meaningful

    def test_batched_equals_one_at_a_time(self, model):
        batched = beam_search(
            model.step, model.initial_state(), START, END, LENGTH, beam_width=3, length_penalty=0.6
        )
        for b in range(len(model.tables)):
            one_row = (
                tf.constant([b]),
                tf.zeros(1, tf.int32),
            )  # the state of batch element b alone
            single = beam_search(
                model.step, one_row, START, END, LENGTH, beam_width=3, length_penalty=0.6
            )
            np.testing.assert_array_equal(batched.tokens[b], single.tokens[0])
            np.testing.assert_allclose(batched.scores[b], single.scores[0], atol=1e-6)

    def test_beams_are_sorted_and_scored_correctly(self, model):
        beam = beam_search(
            model.step, model.initial_state(), START, END, LENGTH, beam_width=5, length_penalty=1.0
        )
        assert np.all(np.diff(beam.scores, axis=1) <= 1e-7)
        for b, table in enumerate(model.tables):
            scores = {
                output: (score, log_prob) for score, log_prob, output in brute_force(table, 1.0)
            }
            for k in range(5):
                score, log_prob = scores[as_tuple(beam.tokens[b, k], beam.lengths[b, k])]
                assert beam.log_probs[b, k] == pytest.approx(log_prob, abs=1e-5)
                assert beam.scores[b, k] == pytest.approx(score, abs=1e-5)

    def test_length_normalisation_changes_the_ranking(self):
        # "END" at once has p = 0.5; "1 1 END" has p = 0.5 * 0.9 * 0.9 = 0.405: shorter wins on raw
        # log-probability (-0.69 > -0.90), longer wins on log p / length (-0.69 < -0.30).
        tables = np.full((1, LENGTH, VOCAB, VOCAB), 0.05 / 2)
        tables[0, 0, START] = [0.0, 0.5, 0.0, 0.5]
        tables[0, 1, 1] = [0.05, 0.9, 0.0, 0.05]
        tables[0, 2, 1] = [0.05, 0.0, 0.05, 0.9]
        tables = np.log(np.maximum(tables, 1e-12))
        model = TableModel(tables)
        raw = beam_search(
            model.step, model.initial_state(), START, END, LENGTH, beam_width=2, length_penalty=0.0
        )
        normalised = beam_search(
            model.step, model.initial_state(), START, END, LENGTH, beam_width=2, length_penalty=1.0
        )
        assert as_tuple(raw.best_tokens[0], raw.best_lengths[0]) == (END,)
        assert as_tuple(normalised.best_tokens[0], normalised.best_lengths[0]) == (1, 1, END)
        assert normalised.scores[0, 0] == pytest.approx(np.log(0.405) / 3, abs=1e-5)
        assert raw.scores[0, 0] == pytest.approx(np.log(0.5), abs=1e-5)

    def test_surplus_beams_are_empty(self):
        model = TableModel(random_tables(batch=1, seed=4, vocab=3, length=2, end_id=2))
        beam = beam_search(model.step, model.initial_state(), START, 2, 2, beam_width=12)
        distinct = len(all_outputs(3, 2, 2))  # END, a END, b END, a a, a b, b a, b b = 7
        assert distinct == 7
        assert np.all(np.isfinite(beam.scores[0, :distinct])) and np.all(
            beam.scores[0, distinct:] == -np.inf
        )

    @pytest.mark.slow  # compiles a Keras decoder
    def test_keras_decoder_with_nested_state(self):
        """A real (random) GRU decoder whose state is a dict: full width equals exhaustive
        search."""
        keras.utils.set_random_seed(0)
        embedding, cell, dense = (
            keras.layers.Embedding(5, 6),
            keras.layers.GRUCell(8),
            keras.layers.Dense(5),
        )

        def step(tokens, state):
            output, new_states = cell(embedding(tokens), [state["h"]])
            logits = dense(output) + state["context"]
            return tf.nn.log_softmax(logits * 3.0), {
                "h": new_states[0],
                "context": state["context"],
            }

        state = {"h": tf.random.normal((3, 8)), "context": tf.random.normal((3, 5))}
        full = beam_search(
            step, state, start_id=1, end_id=2, max_length=3, beam_width=125, length_penalty=0.5
        )
        reference = exhaustive_search(
            step, state, start_id=1, end_id=2, max_length=3, length_penalty=0.5
        )
        np.testing.assert_array_equal(full.best_tokens, reference.tokens)
        np.testing.assert_allclose(full.best_log_probs, reference.log_probs, atol=1e-4)
        greedy = greedy_decode(step, state, start_id=1, end_id=2, max_length=3)
        narrow = beam_search(
            step, state, start_id=1, end_id=2, max_length=3, beam_width=1, length_penalty=0.5
        )
        np.testing.assert_array_equal(narrow.best_tokens, greedy.tokens)


class TestContextIsGivenOnce:
    """A `DecoderState` context reaches every step as the same tensors: never gathered per beam."""

    def test_eager_steps_receive_the_same_context_object(self):
        model = ContextTableModel(random_tables(batch=3, seed=8))
        beam = beam_search(
            model.step, model.initial_state(), START, END, LENGTH, beam_width=3, eager=True
        )
        contexts = [context for context, _, _ in model.seen]
        assert len(contexts) >= 2 and all(context is contexts[0] for context in contexts)
        assert tuple(contexts[0].shape) == (3 * 3, LENGTH, VOCAB, VOCAB)  # repeated per beam, once
        recurrent = [steps for _, steps, _ in model.seen]
        assert len({id(steps) for steps in recurrent}) == len(recurrent)  # carried step to step
        compiled_beam = beam_search(
            model.step, model.initial_state(), START, END, LENGTH, beam_width=3
        )
        np.testing.assert_array_equal(beam.tokens, compiled_beam.tokens)
        np.testing.assert_allclose(beam.scores, compiled_beam.scores, atol=1e-6)

    @pytest.mark.parametrize("search", ["greedy", "beam"])
    def test_compiled_loop_keeps_the_context_outside_its_body(self, search):
        model = ContextTableModel(random_tables(batch=2, seed=9))
        if search == "greedy":
            greedy_decode(model.step, model.initial_state(), START, END, LENGTH)
        else:
            beam_search(model.step, model.initial_state(), START, END, LENGTH, beam_width=4)
        ((context, steps, body_graph),) = model.seen  # traced once
        assert steps.graph is body_graph  # the recurrent state is a loop variable
        assert context.graph is not body_graph  # the context is made before the loop, once

    @pytest.mark.parametrize("length_penalty", [0.0, 1.0])
    def test_full_width_equals_brute_force_and_exhaustive(self, model, length_penalty):
        context_model = ContextTableModel(model.tables)
        state = context_model.initial_state()
        beam = beam_search(
            context_model.step,
            state,
            START,
            END,
            LENGTH,
            beam_width=VOCAB**LENGTH,
            length_penalty=length_penalty,
        )
        exhaustive = exhaustive_search(
            context_model.step, state, START, END, LENGTH, length_penalty=length_penalty
        )
        np.testing.assert_array_equal(beam.best_tokens, exhaustive.tokens)
        for b, table in enumerate(model.tables):
            best = brute_force(table, length_penalty)[0][2]
            assert as_tuple(beam.best_tokens[b], beam.best_lengths[b]) == best
        greedy = greedy_decode(context_model.step, state, START, END, LENGTH)
        plain = greedy_decode(model.step, model.initial_state(), START, END, LENGTH)
        np.testing.assert_array_equal(greedy.tokens, plain.tokens)
        rescored = sequence_log_prob(context_model.step, state, START, END, exhaustive.tokens)
        np.testing.assert_allclose(rescored, exhaustive.log_probs, atol=1e-5)


class TestCompiledLoops:
    def test_eager_equals_compiled(self, model):
        state = model.initial_state()
        for run in (
            lambda **kw: greedy_decode(model.step, state, START, END, LENGTH, **kw),
            lambda **kw: sample_decode(model.step, state, START, END, LENGTH, seed=3, **kw),
            lambda **kw: beam_search(model.step, state, START, END, LENGTH, beam_width=3, **kw),
        ):
            eager, xla = run(eager=True), run()
            np.testing.assert_array_equal(eager.tokens, xla.tokens)
            np.testing.assert_allclose(eager.log_probs, xla.log_probs, atol=1e-6)

    def test_one_loop_per_owner_and_settings_held_weakly(self):
        owner = ContextTableModel(random_tables(batch=2, seed=10))  # records each trace
        for _ in range(2):  # a bound method is a new object each time: its owner keys the cache
            greedy_decode(owner.step, owner.initial_state(), START, END, LENGTH)
        assert len(owner.seen) == 1
        beam_search(owner.step, owner.initial_state(), START, END, LENGTH, beam_width=2)
        greedy_decode(owner.step, owner.initial_state(), START, END, LENGTH)
        assert len(owner.seen) == 2
        alive = weakref.ref(owner)
        del owner
        gc.collect()
        assert alive() is None  # the compiled loops do not keep their owner alive


class TestExhaustiveSearch:
    @pytest.mark.parametrize("length_penalty", [0.0, 1.0])
    def test_matches_brute_force(self, model, length_penalty):
        result = exhaustive_search(
            model.step, model.initial_state(), START, END, LENGTH, length_penalty=length_penalty
        )
        for b, table in enumerate(model.tables):
            score, log_prob, output = brute_force(table, length_penalty)[0]
            assert as_tuple(result.tokens[b], result.lengths[b]) == output
            assert result.log_probs[b] == pytest.approx(log_prob, abs=1e-5)

    def test_all_outputs_count(self):
        outputs = all_outputs(vocab_size=4, end_id=3, max_length=3)
        assert len(outputs) == 1 + 3 + 9 + 27
        assert len({tuple(row) for row in outputs}) == len(outputs)


class TestValidation:
    def test_bad_arguments(self, model):
        state = model.initial_state()
        with pytest.raises(ValueError, match="`beam_width` must be an integer >= 1, got 0"):
            beam_search(model.step, state, START, END, LENGTH, beam_width=0)
        with pytest.raises(ValueError, match="`max_length` must be an integer >= 1, got 0"):
            greedy_decode(model.step, state, START, END, max_length=0)
        with pytest.raises(ValueError, match="`temperature` must be a finite number > 0, got 0"):
            sample_decode(model.step, state, START, END, LENGTH, temperature=0.0)
        with pytest.raises(ValueError, match="temperature"):
            sample_decode(model.step, state, START, END, LENGTH, temperature=-1)
        with pytest.raises(ValueError, match="length_penalty"):
            beam_search(model.step, state, START, END, LENGTH, beam_width=2, length_penalty=-0.5)
        with pytest.raises(ValueError, match="`start_id` must be an integer >= 0, got -1"):
            greedy_decode(model.step, state, -1, END, LENGTH)
        with pytest.raises(ValueError, match="initial_state"):
            greedy_decode(model.step, (), START, END, LENGTH)

    def test_token_outside_vocabulary(self, model):
        state = model.initial_state()
        with pytest.raises(ValueError, match=r"`end_id` must be an integer in \[0, 3\], got 7"):
            beam_search(model.step, state, START, 7, LENGTH, beam_width=2)
        with pytest.raises(ValueError, match=r"`start_id` must be an integer in \[0, 3\], got 4"):
            greedy_decode(model.step, state, 4, END, LENGTH)

    def test_strip_special(self):
        assert strip_special([[5, 6, 2, 0], [7, 8, 9, 4]], [3, 4], end_id=2) == [
            [5, 6],
            [7, 8, 9, 4],
        ]
        with pytest.raises(ValueError, match="`lengths` must be an array with one length per row"):
            strip_special([[5, 6]], [1, 2], end_id=2)


class TestSequenceLogProb:
    def test_matches_brute_force(self, model):
        ranking = [brute_force(table) for table in model.tables]
        outputs = [r[5][2] for r in ranking]  # some output of each table, with its known log p
        targets = np.array([list(o) + [PAD] * (LENGTH - len(o)) for o in outputs])
        log_probs = sequence_log_prob(model.step, model.initial_state(), START, END, targets)
        np.testing.assert_allclose(log_probs, [r[5][1] for r in ranking], atol=1e-5)

    def test_bad_targets(self, model):
        with pytest.raises(ValueError, match="`targets` must be an array with one row per batch"):
            sequence_log_prob(model.step, model.initial_state(), START, END, np.zeros((2, 3)))
        with pytest.raises(ValueError, match=r"`targets` must hold integer ids in \[0, 4\), got 9"):
            sequence_log_prob(model.step, model.initial_state(), START, END, np.full((8, 2), 9))


class TestSeq2SeqAdapter:
    @pytest.mark.slow  # builds and compiles a seq2seq model
    def test_searches_on_a_seq2seq_model(self):
        from course_utils.layers.cells import LSTMCell
        from course_utils.layers.seq2seq import Decoder, Encoder, Seq2Seq

        keras.utils.set_random_seed(1)
        model = Seq2Seq(
            Encoder(9, 6, LSTMCell(8)), Decoder(5, 6, LSTMCell(8), attention="luong_dot")
        )
        encoder_tokens = np.array([[3, 4, 5, 0], [6, 7, 8, 4], [3, 3, 0, 0]], np.int32)
        model((encoder_tokens, np.ones((3, 2), np.int32)))
        step_fn, state = seq2seq_step_fn(model, encoder_tokens)
        assert step_fn == seq2seq_step_fn(model, encoder_tokens)[0]  # so compiled loops are reused
        expected, _ = model.greedy_decode(encoder_tokens, max_length=3)
        greedy = greedy_decode(step_fn, state, start_id=1, end_id=2, max_length=3)
        np.testing.assert_array_equal(greedy.tokens, expected)
        full = beam_search(step_fn, state, start_id=1, end_id=2, max_length=3, beam_width=125)
        reference = exhaustive_search(step_fn, state, start_id=1, end_id=2, max_length=3)
        np.testing.assert_array_equal(full.best_tokens, reference.tokens)
        rescored = sequence_log_prob(step_fn, state, 1, 2, full.best_tokens)
        np.testing.assert_allclose(rescored, full.best_log_probs, atol=1e-4)
        with pytest.raises(TypeError, match="Seq2Seq"):
            seq2seq_step_fn(model.encoder, encoder_tokens)
