"""Sequence to sequence: an encoder reads the input, a decoder writes the output one token at a
time.

    encoder:  h_i = cell_enc(h_{i-1}, e(x_i))                  outputs (batch, T_in, units)
    context:  c = h_T (plain) or c_j = sum_i alpha_ij h_i (attention,
    `course_utils.layers.attention`)
    decoder:  s_0 = final encoder states;  s_j = cell_dec(s_{j-1}, [e(y_{j-1}); c_j])
              p(y_j | y_<j, x) = softmax(W_o [s_j; c_j] + b_o)

Token conventions are those of `course_utils.data.vocabulary.Vocabulary`: `<pad>` = 0, `<start>` =
1,
`<end>` = 2. A target sequence y_1..y_n becomes the decoder input `<start> y_1 .. y_n` and the
decoder target `y_1 .. y_n <end>` (`add_start_end`), both padded after the end with 0.

The public pieces:

- `Encoder(vocabulary_size, embedding_dim, cell)`: `outputs, states, mask = encoder(tokens)`.
- `Decoder(vocabulary_size, embedding_dim, cell, attention=None)`: the teacher-forced loop
  `logits, weights = decoder(decoder_inputs, states, encoder_outputs, mask)` and **one step**
  `logits, new_states, weights = decoder.step(token_ids, states, encoder_outputs, mask)`, which is
  what a search (greedy, beam: `course_utils.decoding`) drives:
      token_ids (batch,) int32; states: list of (batch, units) tensors (start from the encoder's);
      encoder_outputs (batch, T_in, units_in); mask (batch, T_in) bool or None;
      logits (batch, vocabulary_size) unnormalised; weights (batch, T_in), the attention over
      the input (the plain decoder's fixed context is the last real encoder output, so its
      weights are one-hot there).
- `Seq2Seq(encoder, decoder)`: the trainable model, `model((encoder_tokens, decoder_inputs))`
  -> logits (batch, T_out, vocabulary_size), with the padding mask of the targets attached;
  `model.greedy_decode(encoder_tokens, max_length)` for inference.
- `masked_sequence_loss` / `MaskedSequenceLoss`, `exact_match_accuracy`, and scheduled
  sampling: `Decoder(..., sampling_schedule={...})` with the schedules of `sampling_probability`,
  evaluated inside the compiled training step (no recompilation as the probability changes).

References: Sutskever, Vinyals & Le (2014) and Cho et al. (2014) for encoder-decoder models;
Bengio et al. (2015), "Scheduled sampling for sequence prediction with recurrent neural networks".
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from course_utils.decoding.seq2seq import seq2seq_greedy_decode
from course_utils.layers.attention import BahdanauAttention, LuongAttention
from course_utils.validation import fail, integer, shape
from course_utils.layers.seq2seq_targets import (  # noqa: F401 (re-exported)
    END_ID,
    PAD_ID,
    SCHEDULES,
    START_ID,
    MaskedSequenceLoss,
    add_start_end,
    exact_match_accuracy,
    masked_sequence_loss,
    padding_mask,
    padding_weighted_loss,
    sampling_probability,
    sequence_matches,
    token_losses,
)


# ----- layers --------------------------------------------------------------------------------
def _make_cell(cell, role):
    """Accept a recurrent cell or a zero-argument factory returning one."""
    if not isinstance(cell, keras.layers.Layer) and callable(cell):
        cell = cell()
    if not isinstance(cell, keras.layers.Layer) or not hasattr(cell, "state_size"):
        raise ValueError(
            f"{role} cell must be a recurrent cell (a Keras layer with `state_size`, "
            f"e.g. course_utils.LSTMCell(32)) or a function returning one, got "
            f"{cell!r:.80}"
        )
    return cell


def state_sizes(cell):
    """The cell's state sizes as a list of ints, e.g. [units, units] for an LSTM cell."""
    sizes = cell.state_size
    return [int(s) for s in sizes] if isinstance(sizes, (list, tuple)) else [int(sizes)]


def _as_list(states):
    return list(states) if isinstance(states, (list, tuple)) else [states]


def _embedding_sizes(vocabulary_size, embedding_dim):
    """The two sizes of an Encoder's or Decoder's embedding as ints, each at least 1."""
    return (
        integer(vocabulary_size, "vocabulary_size", minimum=1),
        integer(embedding_dim, "embedding_dim", minimum=1),
    )


@keras.saving.register_keras_serializable(package="course_utils")
class Encoder(keras.layers.Layer):
    """Embed the input tokens and run a recurrent cell over them, skipping padding.

    Args:
        vocabulary_size: number of input token ids (id 0 = padding).
        embedding_dim: size of the token embeddings.
        cell: a recurrent cell (any course or Keras cell) or a function returning one.
        pad_id: id of the padding token.

    Call arguments:
        tokens: int (batch, T_in), padded after the end with `pad_id`.

    Returns:
        `(outputs, states, mask)`: outputs (batch, T_in, units) (a padded step repeats the
        last real output), the final states (list of (batch, units), taken at the last real
        token) and the bool padding mask (batch, T_in).

    Example:
        encoder = Encoder(40, 16, course_utils.LSTMCell(64))
        outputs, states, mask = encoder(tokens)  # tokens (32, 12) -> (32, 12, 64), [h, c], (32, 12)
    """

    def __init__(self, vocabulary_size, embedding_dim, cell, pad_id=PAD_ID, **kwargs):
        super().__init__(**kwargs)
        vocabulary_size, embedding_dim = _embedding_sizes(vocabulary_size, embedding_dim)
        self.vocabulary_size, self.embedding_dim, self.pad_id = (
            vocabulary_size,
            embedding_dim,
            pad_id,
        )
        self.cell = _make_cell(cell, "Encoder")
        self.embedding = keras.layers.Embedding(vocabulary_size, embedding_dim, name="embedding")
        self.rnn = keras.layers.RNN(self.cell, return_sequences=True, return_state=True, name="rnn")

    def build(self, tokens_shape):
        shape(tokens_shape, "tokens", ("batch", "T_in"))
        if not self.embedding.built:
            self.embedding.build(tokens_shape)
        if not self.rnn.built:
            self.rnn.build(tuple(tokens_shape) + (self.embedding_dim,))

    def call(self, tokens, training=False):
        mask = padding_mask(tokens, self.pad_id)
        outputs, *states = self.rnn(self.embedding(tokens), mask=mask, training=training)
        return outputs, states, mask

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "pad_id": self.pad_id,
            "cell": keras.saving.serialize_keras_object(self.cell),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["cell"] = keras.saving.deserialize_keras_object(config["cell"])
        return cls(**config)


ATTENTION_NAMES = {
    "bahdanau": lambda: BahdanauAttention(32, name="attention"),
    "luong_dot": lambda: LuongAttention("dot", name="attention"),
    "luong_general": lambda: LuongAttention("general", name="attention"),
}


@keras.saving.register_keras_serializable(package="course_utils")
class Decoder(keras.layers.Layer):
    """Generate output tokens from the encoder's states, with a fixed context or with attention.

    The three variants differ only in where the context c_j comes from:

    - `attention=None` (plain, Cho et al. 2014): c = the encoder output at the last real token,
      the same for every step; it is fed into every step and into the output layer.
    - Bahdanau (additive): c_j = attention(s_{j-1}, encoder outputs) *before* the step, fed in
      as input, so the cell sees where it looks.
    - Luong ('dot' / 'general'): the cell steps on e(y_{j-1}) alone, then c_j = attention(s_j, ...)
      *after* the step (without Luong's optional input feeding).

    In every variant logits_j = W_o [s_j; c_j] + b_o.

    Args:
        vocabulary_size: number of output token ids (`<pad>`, `<start>`, `<end>` included).
        embedding_dim: size of the output-token embeddings.
        cell: a recurrent cell or a function returning one; its state sizes must match the
            encoder cell's (the encoder's final states are the decoder's initial states) and
            states[0] must be the hidden state (true of Keras's and the course's cells).
        attention: None, a `BahdanauAttention` / `LuongAttention` layer, or one of
            'bahdanau', 'luong_dot', 'luong_general'.
        sampling_schedule: None (the probability is the variable `sampling_probability`, 0
            unless assigned) or keyword arguments of `sampling_probability`, e.g.
            `{"schedule": "inverse_sigmoid", "k": 100.0}`, counted in training calls.
        seed: seed of the scheduled-sampling draws.

    Call arguments:
        decoder_inputs: int (batch, T_out), `<start> y_1 .. y_n` then padding.
        initial_states: list of (batch, units), the encoder's final states.
        encoder_outputs: (batch, T_in, units_in).
        mask: bool (batch, T_in), the encoder's padding mask (None = no padding).
        training: when True, each input token after `<start>` is replaced with probability
            `sampling_probability` by the model's own previous prediction (its argmax; Bengio
            et al. sample from the distribution instead): scheduled sampling. When False: pure
            teacher forcing.

    Returns:
        `(logits, weights)`: (batch, T_out, vocabulary_size) and (batch, T_out, T_in).

    Example:
        decoder = Decoder(14, 16, course_utils.LSTMCell(64), attention="bahdanau")
        logits, weights = decoder(decoder_inputs, states, outputs, mask)
        # decoder_inputs (32, 11) -> logits (32, 11, 14), weights (32, 11, 12)
    """

    def __init__(
        self,
        vocabulary_size,
        embedding_dim,
        cell,
        attention=None,
        sampling_schedule=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        vocabulary_size, embedding_dim = _embedding_sizes(vocabulary_size, embedding_dim)
        self.vocabulary_size, self.embedding_dim, self.seed = vocabulary_size, embedding_dim, seed
        if sampling_schedule is not None:
            if not isinstance(sampling_schedule, dict):
                fail(
                    "sampling_schedule",
                    "None or a dict of sampling_probability arguments",
                    sampling_schedule,
                )
            sampling_probability(0, **sampling_schedule)  # checks the names and values now
        self.sampling_schedule = sampling_schedule
        self.cell = _make_cell(cell, "Decoder")
        expected = (
            "None, "
            + ", ".join(repr(name) for name in sorted(ATTENTION_NAMES))
            + " or a BahdanauAttention/LuongAttention layer"
        )
        if isinstance(attention, str):
            if attention not in ATTENTION_NAMES:
                fail("attention", expected, attention)
            attention = ATTENTION_NAMES[attention]()
        if attention is not None and not isinstance(attention, (BahdanauAttention, LuongAttention)):
            fail("attention", expected, attention)
        self.attention = attention
        self.style = (
            "plain"
            if attention is None
            else "bahdanau"
            if isinstance(attention, BahdanauAttention)
            else "luong"
        )
        self.embedding = keras.layers.Embedding(vocabulary_size, embedding_dim, name="embedding")
        self.output_layer = keras.layers.Dense(vocabulary_size, name="output")
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, decoder_inputs_shape, initial_states_shape, encoder_outputs_shape):
        shape(decoder_inputs_shape, "decoder_inputs", ("batch", "T_out"))
        shape(
            encoder_outputs_shape, "encoder_outputs", ("batch", "T_in", "units"), known=("units",)
        )
        given = [int(s[-1]) for s in _as_list(initial_states_shape)]
        if given != state_sizes(self.cell):
            raise ValueError(
                f"the decoder cell has state sizes {state_sizes(self.cell)} but the "
                f"initial states have sizes {given}; use matching encoder and "
                f"decoder cells"
            )
        units, context = state_sizes(self.cell)[0], int(encoder_outputs_shape[-1])
        feeds_context = self.style in ("plain", "bahdanau")
        self._build_once(self.embedding, (None,))
        self._build_once(self.cell, (None, self.embedding_dim + (context if feeds_context else 0)))
        if self.attention is not None:
            self._build_once(self.attention, (None, units), (None, None, context))
        self._build_once(self.output_layer, (None, units + context))
        self.sampling_probability = self.add_weight(
            name="sampling_probability", shape=(), initializer="zeros", trainable=False
        )
        self.sampling_step = self.add_weight(
            name="sampling_step", shape=(), initializer="zeros", trainable=False
        )

    @staticmethod
    def _build_once(layer, *shapes):
        if not layer.built:  # a deserialized sublayer arrives built already
            layer.build(*shapes)

    def initial_states(self, encoder_states):
        """The decoder's starting states: the encoder's final states (checked, as a list)."""
        states = _as_list(encoder_states)
        given = [int(s.shape[-1]) for s in states]
        if given != state_sizes(self.cell):
            raise ValueError(
                f"encoder states of sizes {given} do not fit the decoder cell's state "
                f"sizes {state_sizes(self.cell)}"
            )
        return states

    def step(self, token_ids, states, encoder_outputs, mask=None, training=False):
        """One decoding step. See the module docstring for shapes.

        Returns:
            `(logits, new_states, weights)`: (batch, vocabulary_size), list of (batch, units),
            (batch, T_in).
        """
        embedded = self.embedding(token_ids)  # (batch, embedding_dim)
        states = _as_list(states)
        if self.style == "plain":
            context, weights = self._last_output(encoder_outputs, mask)
        elif self.style == "bahdanau":
            context, weights = self.attention(states[0], encoder_outputs, mask=mask)
        cell_input = embedded if self.style == "luong" else ops.concatenate([embedded, context], -1)
        output, new_states = self.cell(cell_input, states, training=training)
        if self.style == "luong":
            context, weights = self.attention(output, encoder_outputs, mask=mask)
        logits = self.output_layer(ops.concatenate([output, context], axis=-1))
        return logits, _as_list(new_states), weights

    @staticmethod
    def _last_output(encoder_outputs, mask):
        """Encoder output at the last real position, and a one-hot 'weight' marking it."""
        steps = ops.shape(encoder_outputs)[1]
        if mask is None:
            last = ops.full((ops.shape(encoder_outputs)[0],), steps - 1, dtype="int32")
        else:
            last = ops.maximum(ops.sum(ops.cast(mask, "int32"), axis=1) - 1, 0)
        weights = ops.one_hot(last, steps, dtype=encoder_outputs.dtype)  # (batch, T_in)
        return ops.einsum("bt,btu->bu", weights, encoder_outputs), weights

    def call(self, decoder_inputs, initial_states, encoder_outputs, mask=None, training=False):
        decoder_inputs = ops.cast(decoder_inputs, "int32")
        feed = ops.zeros(ops.shape(decoder_inputs), dtype="bool")
        if training:
            if self.sampling_schedule is not None:
                self.sampling_probability.assign(
                    sampling_probability(self.sampling_step, **self.sampling_schedule)
                )
                self.sampling_step.assign_add(1.0)
            draws = keras.random.uniform(ops.shape(decoder_inputs), seed=self.seed_generator)
            feed = draws < self.sampling_probability
        return self.unroll(decoder_inputs, initial_states, encoder_outputs, mask, feed, training)

    def unroll(
        self, decoder_inputs, initial_states, encoder_outputs, mask, feed_prediction, training=False
    ):
        """Run `step` over time; where `feed_prediction[b, j]` the input is the argmax of step j-1.

        All True gives free-running (greedy) decoding from `decoder_inputs[:, 0]`; all False
        gives teacher forcing. A compiled `tf.while_loop`, so it works inside XLA.
        """
        for reset in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
            if hasattr(self.cell, reset):
                getattr(self.cell, reset)()
        tokens = tf.transpose(decoder_inputs)  # (T_out, batch)
        feed = tf.transpose(feed_prediction)
        steps = (
            decoder_inputs.shape[1] if decoder_inputs.shape[1] is not None else tf.shape(tokens)[0]
        )
        states = self.initial_states(initial_states)
        logits_array = tf.TensorArray(self.compute_dtype, size=steps)
        weights_array = tf.TensorArray(self.compute_dtype, size=steps)

        def body(j, previous, states, logits_array, weights_array):
            token = tf.where(feed[j] & (j > 0), previous, tokens[j])
            logits, states, weights = self.step(token, states, encoder_outputs, mask, training)
            previous = tf.cast(tf.argmax(logits, axis=-1), "int32")
            return (
                j + 1,
                previous,
                states,
                logits_array.write(j, logits),
                weights_array.write(j, weights),
            )

        _, _, _, logits_array, weights_array = tf.while_loop(
            lambda j, *_: j < steps,
            body,
            (tf.constant(0), tokens[0], states, logits_array, weights_array),
            maximum_iterations=steps,
        )
        logits = tf.transpose(logits_array.stack(), (1, 0, 2))  # (batch, T_out, vocabulary)
        weights = tf.transpose(weights_array.stack(), (1, 0, 2))  # (batch, T_out, T_in)
        return logits, weights

    def get_config(self):
        serialize = keras.saving.serialize_keras_object
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "seed": self.seed,
            "sampling_schedule": self.sampling_schedule,
            "cell": serialize(self.cell),
            "attention": serialize(self.attention),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["cell"] = keras.saving.deserialize_keras_object(config["cell"])
        config["attention"] = keras.saving.deserialize_keras_object(config["attention"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="course_utils")
class Seq2Seq(keras.Model):
    """Encoder + decoder trained with teacher forcing (and optionally scheduled sampling).

    Args:
        encoder: an `Encoder`.
        decoder: a `Decoder` whose cell's state sizes match the encoder cell's.

    Call arguments:
        inputs: `(encoder_tokens, decoder_inputs)`, int (batch, T_in) and (batch, T_out).
        training: passed to the decoder (scheduled sampling happens only when True).

    Returns:
        logits (batch, T_out, vocabulary_size), carrying the padding mask of `decoder_inputs`
        (same as the targets' mask), so `course_utils.train` averages over real tokens only.

    Example:
        model = Seq2Seq(Encoder(40, 16, LSTMCell(64)), Decoder(14, 16, LSTMCell(64)))
        logits = model((encoder_tokens, decoder_inputs))   # (32, 12), (32, 11) -> (32, 11, 14)
        tokens, weights = model.greedy_decode(encoder_tokens, max_length=11)
    """

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(encoder, Encoder) or not isinstance(decoder, Decoder):
            raise ValueError(
                f"Seq2Seq needs an Encoder and a Decoder, got "
                f"{type(encoder).__name__} and {type(decoder).__name__}"
            )
        if state_sizes(encoder.cell) != state_sizes(decoder.cell):
            raise ValueError(
                f"encoder cell state sizes {state_sizes(encoder.cell)} differ from the "
                f"decoder cell's {state_sizes(decoder.cell)}; the encoder's final "
                f"states start the decoder, so they must match"
            )
        self.encoder, self.decoder = encoder, decoder
        self.supports_masking = True

    @staticmethod
    def _split(inputs):
        if isinstance(inputs, dict):
            return inputs["encoder_tokens"], inputs["decoder_inputs"]
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                f"Seq2Seq expects inputs (encoder_tokens, decoder_inputs), got "
                f"{type(inputs).__name__}"
            )
        return inputs

    def build(self, input_shape):
        encoder_shape, decoder_shape = self._split(input_shape)
        self._input_shapes = [list(encoder_shape), list(decoder_shape)]
        if not self.encoder.built:
            self.encoder.build(encoder_shape)
        if not self.decoder.built:
            units = [(None, size) for size in state_sizes(self.encoder.cell)]
            outputs = (None, None, state_sizes(self.encoder.cell)[0])
            self.decoder.build(decoder_shape, units, outputs)

    def get_build_config(self):
        return {"input_shape": getattr(self, "_input_shapes", [[None, None], [None, None]])}

    def build_from_config(self, config):
        self.build(config["input_shape"])

    def call(self, inputs, training=False):
        encoder_tokens, decoder_inputs = self._split(inputs)
        outputs, states, mask = self.encoder(encoder_tokens, training=training)
        logits, _ = self.decoder(decoder_inputs, states, outputs, mask, training=training)
        return logits

    def compute_mask(self, inputs, mask=None):
        return padding_mask(self._split(inputs)[1], self.encoder.pad_id)

    def attention_weights(self, encoder_tokens, decoder_inputs):
        """Teacher-forced attention weights (batch, T_out, T_in) as a NumPy array."""
        outputs, states, mask = self.encoder(encoder_tokens)
        return np.asarray(self.decoder(decoder_inputs, states, outputs, mask)[1])

    def greedy_decode(
        self, encoder_tokens, max_length, start_id=START_ID, end_id=END_ID, batch_size=256
    ):
        """Free-running greedy decoding (XLA-compiled): each step feeds back its own argmax.

        The loop is `course_utils.decoding`'s greedy search on this model's step function
        (`decoding.seq2seq_greedy_decode`); it runs all `max_length` steps.

        Args:
            encoder_tokens: int (batch, T_in).
            max_length: number of output steps.
            start_id, end_id: ids of `<start>` and `<end>`; tokens after `<end>` become padding.
            batch_size: rows per compiled call.

        Returns:
            `(tokens, weights)`: int32 (batch, max_length) and float (batch, max_length, T_in).
        """
        return seq2seq_greedy_decode(self, encoder_tokens, max_length, start_id, end_id, batch_size)

    def get_config(self):
        serialize = keras.saving.serialize_keras_object
        return {
            **super().get_config(),
            "encoder": serialize(self.encoder),
            "decoder": serialize(self.decoder),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)
