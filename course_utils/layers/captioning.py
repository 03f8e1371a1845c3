"""Image captioning: a small CNN reads a strip of digits, an LSTM decoder writes its caption.

    encoder:   strip (batch, 8, W), read as W pixel columns of 8 values (the height is the
               channel axis) -> two Conv1D (kernel 3 columns, ReLU) + max-pooling layers,
               (batch, W/g, 2f) -> Dense(units, tanh)
               -> column features h_1..h_G (batch, G, units), G = W / g
               -> the single image vector v = Dense(units, tanh)(h_1 ++ .. ++ h_G) (batch, units)
    start:     [s_0; m_0] = tanh(W_s v + b)            (LSTM hidden and cell state)
    decoder:   a course seq2seq `Decoder` (`course_utils.layers.seq2seq`), with
      - show and tell (Vinyals et al., 2015): the context is the one vector v, the same at every
        step (fed into every step and into the output layer, like the plain seq2seq decoder);
      - show, attend and tell (Xu et al., 2015): Bahdanau attention over the column features,
        c_j = sum_i alpha_ij h_i, a fresh context at every step; alpha_j is the attention map.

The single vector is made from *all* column features (concatenated, not averaged), so it can
know where each digit is; what it lacks is room: 6 digits in `units` numbers.

Both models are `ImageCaptioner`s, trained with teacher forcing as `Seq2Seq` is:
`model((images, decoder_inputs))` -> logits (batch, T_out, vocabulary_size), with the padding mask
of the targets attached. Decoding: `course_utils.decoding.captioning` (`caption_step_fn` for
greedy and beam search, `caption_greedy_decode` for the attention maps).

References: Vinyals, Toshev, Bengio & Erhan (2015), "Show and tell: a neural image caption
generator"; Xu et al. (2015), "Show, attend and tell: neural image caption generation with
visual attention".
"""

import keras
import numpy as np
from keras import ops

from course_utils.decoding.captioning import caption_greedy_decode
from course_utils.layers.attention import BahdanauAttention
from course_utils.layers.cells import LSTMCell
from course_utils.layers.seq2seq import Decoder, padding_mask, state_sizes
from course_utils.layers.seq2seq_targets import END_ID, PAD_ID, START_ID
from course_utils.validation import fail, fail_described, integer, shape

__all__ = ["ImageCaptioner", "ImageEncoder", "show_and_tell", "show_attend_and_tell"]

IMAGE_HEIGHT = 8


@keras.saving.register_keras_serializable(package="course_utils")
class ImageEncoder(keras.layers.Layer):
    """A small CNN: column features of an image strip, and one vector for the whole strip.

    The convolutions slide along the width only (kernel 3 pixel columns, the 8 pixels of a
    column as channels): the strips are 8 pixels high, so nothing is gained by sliding along
    the height, and a 1-D convolution is several times faster on a CPU.

    Args:
        units: size of every column feature and of the image vector.
        filters: filters of the first convolution (the second has twice as many).
        column_group: pixel columns per feature (even, >= 2): the width is pooled by this factor.
        **kwargs: passed to `keras.layers.Layer`.

    Call arguments:
        images: float (batch, 8, width), width a multiple of `column_group`.

    Returns:
        `(features, vector)`: (batch, width / column_group, units) and (batch, units).

    Example:
        encoder = ImageEncoder(64, filters=16, column_group=4)
        features, vector = encoder(images)  # images (32, 8, 48) -> (32, 12, 64), (32, 64)
    """

    def __init__(self, units, filters=16, column_group=4, **kwargs):
        super().__init__(**kwargs)
        self.units = integer(units, "units", minimum=1)
        self.filters = integer(filters, "filters", minimum=1)
        self.column_group = integer(column_group, "column_group", minimum=2)
        if self.column_group % 2:
            fail("column_group", "an even integer >= 2", column_group)
        self.conv_1 = keras.layers.Conv1D(
            self.filters, 3, padding="same", activation="relu", name="conv_1"
        )
        self.pool_1 = keras.layers.MaxPooling1D(2, name="pool_1")
        self.conv_2 = keras.layers.Conv1D(
            2 * self.filters, 3, padding="same", activation="relu", name="conv_2"
        )
        self.pool_2 = keras.layers.MaxPooling1D(self.column_group // 2, name="pool_2")
        self.column_projection = keras.layers.Dense(
            self.units, activation="tanh", name="column_projection"
        )
        self.vector_projection = keras.layers.Dense(
            self.units, activation="tanh", name="vector_projection"
        )

    def columns(self, width):
        """Number of column features of a strip `width` pixels wide."""
        return width // self.column_group

    def build(self, images_shape):
        images_shape = shape(images_shape, "images", ("batch", IMAGE_HEIGHT, "width"), ("width",))
        width = images_shape[2]
        if width % self.column_group:
            fail_described(
                "images",
                f"strips whose width is a multiple of column_group={self.column_group}",
                f"width {width}",
            )
        self.conv_1.build((None, width, IMAGE_HEIGHT))
        self.conv_2.build((None, width // 2, self.filters))
        self.column_projection.build((None, None, 2 * self.filters))
        self.vector_projection.build((None, self.columns(width) * self.units))

    def call(self, images):
        dtype = keras.backend.standardize_dtype(images.dtype)
        if "float" not in dtype:
            fail_described("images", "a float array of shape (batch, 8, width)", f"dtype {dtype}")
        x = ops.transpose(images, (0, 2, 1))  # (batch, W, 8): a pixel column is one input vector
        x = self.pool_1(self.conv_1(x))  # (batch, W/2, f)
        x = self.pool_2(self.conv_2(x))  # (batch, G, 2f)
        features = self.column_projection(x)  # (batch, G, units)
        columns = features.shape[1]
        vector = self.vector_projection(ops.reshape(features, (-1, columns * self.units)))
        return features, vector  # (batch, G, units), (batch, units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "filters": self.filters,
            "column_group": self.column_group,
        }


@keras.saving.register_keras_serializable(package="course_utils")
class ImageCaptioner(keras.Model):
    """An `ImageEncoder` and a seq2seq `Decoder`: show and tell, or show, attend and tell.

    The decoder's attention decides which: without attention it reads the image vector (one
    "column"), with attention the column features.

    Args:
        encoder: an `ImageEncoder`.
        decoder: a `course_utils.layers.seq2seq.Decoder` (attention None or Bahdanau/Luong).

    Call arguments:
        inputs: `(images, decoder_inputs)`, float (batch, 8, W) and int (batch, T_out).

    Returns:
        logits (batch, T_out, vocabulary_size), carrying the padding mask of `decoder_inputs`.

    Example:
        model = show_attend_and_tell(13, units=48)
        logits = model((images, decoder_inputs))  # (32, 8, 48), (32, 7) -> (32, 7, 13)
        result, weights = model.greedy_decode(images, max_length=7)  # weights (32, 7, 12)
    """

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(encoder, ImageEncoder) or not isinstance(decoder, Decoder):
            raise ValueError(
                f"ImageCaptioner needs an ImageEncoder and a Decoder, got "
                f"{type(encoder).__name__} and {type(decoder).__name__}"
            )
        self.encoder, self.decoder = encoder, decoder
        self.initial_state = keras.layers.Dense(
            sum(state_sizes(decoder.cell)), activation="tanh", name="initial_state"
        )
        self.supports_masking = True

    @staticmethod
    def _split(inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                f"ImageCaptioner expects inputs (images, decoder_inputs), got "
                f"{type(inputs).__name__}"
            )
        return inputs

    def build(self, input_shape):
        images_shape, decoder_shape = self._split(input_shape)
        self._input_shapes = [list(images_shape), list(decoder_shape)]
        if not self.encoder.built:
            self.encoder.build(images_shape)
        units = self.encoder.units
        if not self.initial_state.built:
            self.initial_state.build((None, units))
        if not self.decoder.built:
            states = [(None, size) for size in state_sizes(self.decoder.cell)]
            columns = 1 if self.decoder.attention is None else None
            self.decoder.build(decoder_shape, states, (None, columns, units))

    def get_build_config(self):
        return {"input_shape": self._input_shapes}

    def build_from_config(self, config):
        self.build(config["input_shape"])

    def encode(self, images, training=False):
        """`(encoder_outputs, states, mask)` as a seq2seq encoder gives them: the column features
        (or the image vector as one column), the decoder's initial states, an all-True mask."""
        images = ops.convert_to_tensor(images)
        features, vector = self.encoder(images, training=training)
        start = self.initial_state(vector)  # (batch, sum of state sizes)
        states, first = [], 0
        for size in state_sizes(self.decoder.cell):
            states.append(start[:, first : first + size])
            first += size
        outputs = ops.expand_dims(vector, 1) if self.decoder.attention is None else features
        mask = ops.ones(ops.shape(outputs)[:2], dtype="bool")  # every column is real
        return outputs, states, mask

    def call(self, inputs, training=False):
        images, decoder_inputs = self._split(inputs)
        outputs, states, mask = self.encode(images, training=training)
        logits, _ = self.decoder(decoder_inputs, states, outputs, mask, training=training)
        return logits

    def compute_mask(self, inputs, mask=None):
        return padding_mask(self._split(inputs)[1], PAD_ID)

    def attention_weights(self, images, decoder_inputs):
        """Teacher-forced attention weights (batch, T_out, columns) as a NumPy array."""
        outputs, states, mask = self.encode(images)
        return np.asarray(self.decoder(decoder_inputs, states, outputs, mask)[1])

    def greedy_decode(self, images, max_length, start_id=START_ID, end_id=END_ID):
        """Greedy captions and every step's attention weights (`caption_greedy_decode`)."""
        return caption_greedy_decode(self, images, max_length, start_id, end_id, PAD_ID)

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


def _captioner(vocabulary_size, units, embedding_dim, filters, column_group, attention):
    encoder = ImageEncoder(units, filters=filters, column_group=column_group, name="encoder")
    decoder = Decoder(
        vocabulary_size, embedding_dim, LSTMCell(units), attention=attention, name="decoder"
    )
    return ImageCaptioner(encoder, decoder)


def show_and_tell(vocabulary_size, units=48, embedding_dim=16, filters=16, column_group=4):
    """An `ImageCaptioner` whose LSTM decoder starts from, and reads, one image vector."""
    return _captioner(vocabulary_size, units, embedding_dim, filters, column_group, None)


def show_attend_and_tell(
    vocabulary_size, units=48, embedding_dim=16, filters=16, column_group=4, attention_units=32
):
    """An `ImageCaptioner` whose LSTM decoder attends over the column features at every step
    (Bahdanau attention with `attention_units` hidden units)."""
    attention = BahdanauAttention(integer(attention_units, "attention_units", minimum=1))
    return _captioner(vocabulary_size, units, embedding_dim, filters, column_group, attention)
