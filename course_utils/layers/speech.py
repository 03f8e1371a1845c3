"""Speech features and the CTC loss: `LogMelSpectrogram`, `ctc_forward_loss`, `CTCLoss`.

`LogMelSpectrogram` turns waveforms (batch, samples) into log-mel features (batch, frames, mels)
with `tf.signal` (this module is the one place of `layers/` that uses it): a short-time Fourier
transform with a Hann window (`tf.signal.stft`, no padding, so a clip of n samples gives
1 + (n - frame_length) // frame_step frames), the magnitude mapped onto `num_mel_bins`
triangular mel filters (`tf.signal.linear_to_mel_weight_matrix`), then log(mel + log_offset).

`ctc_forward_loss` is the CTC loss of Graves et al. (2006) written from scratch: the forward
(alpha) recursion over the label with a blank between and around its symbols, in log space. It
agrees with `keras.ops.ctc_loss` (values and gradients; tests/test_ctc.py). The blank convention
is Keras's: class `blank_index` (default 0, `mask_index` of `keras.ops.ctc_loss` and
`keras.ops.ctc_decode`) is the blank, the labels use the other classes.

Reference: A. Graves, S. Fernandez, F. Gomez, J. Schmidhuber, "Connectionist temporal
classification: labelling unsegmented sequence data with recurrent neural networks", ICML 2006.
"""

import keras
import tensorflow as tf
from keras import ops

from course_utils.validation import integer, number, one_of

__all__ = ["CTCLoss", "LABEL_PAD", "LogMelSpectrogram", "ctc_forward_loss"]

LABEL_PAD = -1  # pads label rows of different lengths for CTCLoss
NEG_INF = -1e30  # log(0) in the recursion: finite, so that no gradient becomes NaN


@keras.saving.register_keras_serializable(package="course_utils")
class LogMelSpectrogram(keras.layers.Layer):
    """Waveforms (batch, samples) -> log-mel features (batch, frames, num_mel_bins), no weights.

    Args:
        sample_rate: samples per second of the input (8000 for spoken_digits).
        frame_length, frame_step, fft_length: STFT window, hop and FFT size in samples.
        num_mel_bins: mel filters (output features).
        lower_edge_hertz, upper_edge_hertz: frequency range of the filters (upper at most
            sample_rate / 2).
        log_offset: added before the log so that silence (all zeros) gives log(log_offset).
    """

    def __init__(self, sample_rate=8000, frame_length=256, frame_step=128, fft_length=256,
                 num_mel_bins=40, lower_edge_hertz=20.0, upper_edge_hertz=4000.0,
                 log_offset=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.sample_rate = integer(sample_rate, "sample_rate", minimum=1)
        self.frame_length = integer(frame_length, "frame_length", minimum=2)
        self.frame_step = integer(frame_step, "frame_step", minimum=1)
        self.fft_length = integer(fft_length, "fft_length", minimum=self.frame_length)
        self.num_mel_bins = integer(num_mel_bins, "num_mel_bins", minimum=1)
        self.lower_edge_hertz = float(number(lower_edge_hertz, "lower_edge_hertz", minimum=0))
        self.upper_edge_hertz = float(number(
            upper_edge_hertz, "upper_edge_hertz", minimum=self.lower_edge_hertz,
            maximum=self.sample_rate / 2, minimum_open=True))
        self.log_offset = float(number(log_offset, "log_offset", minimum=0, minimum_open=True))
        self.mel_matrix = tf.signal.linear_to_mel_weight_matrix(
            self.num_mel_bins, self.fft_length // 2 + 1, self.sample_rate,
            self.lower_edge_hertz, self.upper_edge_hertz)

    def frames(self, samples):
        """Frames of a clip of `samples` samples: 1 + (samples - frame_length) // frame_step."""
        return max(0, 1 + (int(samples) - self.frame_length) // self.frame_step)

    def call(self, waveforms):
        spectrum = tf.signal.stft(ops.cast(waveforms, "float32"), self.frame_length,
                                  self.frame_step, self.fft_length)
        mel = ops.matmul(ops.abs(spectrum), ops.cast(self.mel_matrix, "float32"))
        return ops.log(mel + self.log_offset)

    def compute_output_shape(self, input_shape):
        samples = input_shape[-1]
        frames = None if samples is None else self.frames(samples)
        return (*input_shape[:-1], frames, self.num_mel_bins)

    def get_config(self):
        return {**super().get_config(), **{name: getattr(self, name) for name in (
            "sample_rate", "frame_length", "frame_step", "fft_length", "num_mel_bins",
            "lower_edge_hertz", "upper_edge_hertz", "log_offset")}}


def ctc_forward_loss(labels, logits, label_lengths, logit_lengths, blank_index=0):
    """Per-example CTC loss -log p(labels | logits) by the forward (alpha) recursion.

    Args:
        labels: int (batch, max_label_length), the first label_lengths[b] entries are used.
        logits: float (batch, time, classes), unnormalized scores (log-softmax is applied).
        label_lengths, logit_lengths: int (batch,).
        blank_index: the blank class (Keras: `mask_index`, default 0).

    The extended label z = (blank, l1, blank, l2, ..., lU, blank) has S = 2U + 1 states.
    alpha_t(s) = log-probability of all paths over frames 0..t that end in state s:
        alpha_0(0) = log y_0(blank), alpha_0(1) = log y_0(l1), else -inf
        alpha_t(s) = logsumexp(alpha_{t-1}(s), alpha_{t-1}(s-1), [alpha_{t-1}(s-2)]) + log y_t(z_s)
    where the skip from s-2 is allowed only when z_s is a label that differs from z_{s-2} (a
    blank must separate two equal labels). Frames past logit_lengths[b] leave alpha unchanged.
    Loss = -logsumexp(alpha_{T-1}(2U), alpha_{T-1}(2U - 1)).
    """
    logits = ops.convert_to_tensor(logits)
    labels = ops.cast(ops.convert_to_tensor(labels), "int32")
    label_lengths = ops.cast(ops.convert_to_tensor(label_lengths), "int32")
    logit_lengths = ops.cast(ops.convert_to_tensor(logit_lengths), "int32")
    log_probs = ops.log_softmax(ops.cast(logits, "float32"), axis=-1)   # (B, T, C)
    batch, max_labels = ops.shape(labels)[0], labels.shape[1]
    states = 2 * max_labels + 1
    # extended labels: blank at even states, the labels at odd states (padding made blank)
    positions = ops.arange(max_labels)[None, :]
    labels = ops.where(positions < label_lengths[:, None], labels, blank_index)
    blanks = ops.full((batch, max_labels), blank_index, "int32")
    extended = ops.reshape(ops.stack([blanks, labels], axis=2), (batch, 2 * max_labels))
    extended = ops.concatenate([extended, blanks[:, :1]], axis=1)          # (B, S)
    previous2 = ops.concatenate([ops.full((batch, 2), -1, "int32"), extended[:, :-2]], axis=1)
    skip = ops.logical_and(extended != blank_index, extended != previous2)  # (B, S)
    # log y_t(z_s) for every frame and state: (T, B, S)
    emissions = ops.take_along_axis(
        log_probs, ops.broadcast_to(extended[:, None, :],
                                    (batch, ops.shape(log_probs)[1], states)), axis=2)
    emissions = ops.transpose(emissions, (1, 0, 2))
    steps = ops.arange(ops.shape(emissions)[0])
    active = ops.transpose(steps[None, :] < logit_lengths[:, None])         # (T, B)
    state = ops.arange(states)[None, :]
    first = ops.where(state < 2, emissions[0], NEG_INF)
    neg = ops.full((batch, 1), NEG_INF, "float32")

    def step(t, alpha):
        emission, running = ops.take(emissions, t, axis=0), ops.take(active, t, axis=0)
        stay = alpha
        advance = ops.concatenate([neg, alpha[:, :-1]], axis=1)
        jump = ops.where(skip, ops.concatenate([neg, neg, alpha[:, :-2]], axis=1), NEG_INF)
        new = ops.logsumexp(ops.stack([stay, advance, jump]), axis=0) + emission
        new = ops.maximum(new, NEG_INF)  # keep "log 0" from drifting below the sentinel
        return t + 1, ops.where(running[:, None], new, alpha)

    # tf.while_loop, not keras.ops.fori_loop: XLA needs `maximum_iterations` to differentiate it
    frames = logits.shape[1]
    _, alpha = tf.while_loop(
        lambda t, alpha: t < ops.shape(emissions)[0], step, (ops.convert_to_tensor(1), first),
        maximum_iterations=None if frames is None else max(frames - 1, 0))
    last = 2 * label_lengths
    end_blank = ops.take_along_axis(alpha, last[:, None], axis=1)[:, 0]
    end_label = ops.take_along_axis(alpha, ops.maximum(last - 1, 0)[:, None], axis=1)[:, 0]
    end_label = ops.where(label_lengths > 0, end_label, NEG_INF)
    return -ops.logaddexp(end_blank, end_label)


@keras.saving.register_keras_serializable(package="course_utils")
class CTCLoss(keras.losses.Loss):
    """CTC loss for `course_utils.train`: y_true (batch, max_labels) int label rows padded with
    LABEL_PAD (-1), y_pred (batch, time, classes) logits; every example uses all `time` frames.

    `labels = "sparse"` tells `train` to pass the integer labels as given (training/rules.py).
    `implementation="keras"` uses `keras.ops.ctc_loss`, "forward" the from-scratch
    `ctc_forward_loss` (same values, slower). No accuracy exists for it: pass `metrics=()`.
    """

    labels = "sparse"

    def __init__(self, blank_index=0, implementation="keras", name="ctc", **kwargs):
        super().__init__(name=name, **kwargs)
        self.blank_index = integer(blank_index, "blank_index", minimum=0)
        self.implementation = one_of(implementation, "implementation", ("keras", "forward"))

    def call(self, y_true, y_pred):
        labels = ops.cast(y_true, "int32")
        label_lengths = ops.sum(ops.cast(labels != LABEL_PAD, "int32"), axis=1)
        labels = ops.where(labels == LABEL_PAD, self.blank_index, labels)
        logit_lengths = ops.full((ops.shape(y_pred)[0],), ops.shape(y_pred)[1], "int32")
        if self.implementation == "keras":
            return ops.ctc_loss(labels, y_pred, label_lengths, logit_lengths,
                                mask_index=self.blank_index)
        return ctc_forward_loss(labels, y_pred, label_lengths, logit_lengths, self.blank_index)

    def get_config(self):
        return {**super().get_config(), "blank_index": self.blank_index,
                "implementation": self.implementation}
