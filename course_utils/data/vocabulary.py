"""A token <-> id mapping with reserved ids, used by every data set of the course.

Id 0 is always the padding token `<pad>`; a vocabulary made with `start_end=True` reserves
`<start>` = 1 and `<end>` = 2 for sequence-to-sequence decoders, and one made with
`unknown=True` reserves `<unk>` (next free id) for tokens it has never seen. The real tokens
follow in the order given. Without `<unk>`, encoding an unseen token raises a `ValueError` that
names the token (silently mapping it to something would hide a bug).

Example:
    vocabulary = Vocabulary(["a", "b", "c"], start_end=True)
    vocabulary.tokens              # ('<pad>', '<start>', '<end>', 'a', 'b', 'c')
    vocabulary.encode("cab", add_start=True, add_end=True)   # array([1, 5, 3, 4, 2])  (5,)
    vocabulary.encode_batch(["ab", "c"])               # [[3, 4], [5, 0]]  (2, 2) int32
    vocabulary.decode_text([1, 5, 3, 4, 2, 0])         # 'cab' (stops at <end>)
"""

import numpy as np

from course_utils import validation
from course_utils.validation import fail, integer, one_of, optional, token_ids

__all__ = ["Vocabulary"]


class Vocabulary:
    """Maps tokens (characters or words) to integer ids and back; id 0 is padding.

    Args:
        tokens: iterable of distinct hashable tokens (usually strings). A string is iterated
            character by character, so `Vocabulary("abc")` is a character vocabulary.
        start_end: reserve `<start>` (id 1) and `<end>` (id 2), for decoder sequences.
        unknown: reserve `<unk>`; unseen tokens are then encoded as its id instead of raising.

    Raises:
        ValueError: a token is repeated or collides with a reserved token.
    """

    PAD = "<pad>"
    START = "<start>"
    END = "<end>"
    UNKNOWN = "<unk>"

    def __init__(self, tokens, start_end=False, unknown=False):
        reserved = [self.PAD] + ([self.START, self.END] if start_end else [])
        reserved += [self.UNKNOWN] if unknown else []
        self._tokens = list(reserved)
        self._ids = {token: index for index, token in enumerate(reserved)}
        for token in tokens:
            if token in self._ids:
                kind = "a reserved token" if token in reserved else "repeated"
                raise ValueError(
                    f"token {token!r} is {kind}; Vocabulary needs distinct tokens "
                    f"other than {reserved}"
                )
            self._ids[token] = len(self._tokens)
            self._tokens.append(token)
        self.start_end = bool(start_end)
        self.unknown = bool(unknown)

    @classmethod
    def from_sequences(cls, sequences, start_end=False, unknown=False):
        """Build a vocabulary of every token seen in `sequences`, sorted (so the ids are stable).

        Args:
            sequences: iterable of token sequences (strings count as character sequences).
            start_end, unknown: as in the constructor.
        """
        seen = set()
        for sequence in sequences:
            seen.update(sequence)
        return cls(sorted(seen), start_end=start_end, unknown=unknown)

    # -- reserved ids ---------------------------------------------------------------------
    @property
    def pad_id(self):
        """Id of `<pad>`: always 0."""
        return 0

    @property
    def start_id(self):
        """Id of `<start>` (1), or None if the vocabulary has no start/end tokens."""
        return self._ids[self.START] if self.start_end else None

    @property
    def end_id(self):
        """Id of `<end>` (2), or None if the vocabulary has no start/end tokens."""
        return self._ids[self.END] if self.start_end else None

    @property
    def unknown_id(self):
        """Id of `<unk>`, or None if the vocabulary has no unknown token."""
        return self._ids[self.UNKNOWN] if self.unknown else None

    @property
    def tokens(self):
        """All tokens ordered by id, reserved tokens first."""
        return tuple(self._tokens)

    def __len__(self):
        return len(self._tokens)

    def __contains__(self, token):
        return token in self._ids

    def __eq__(self, other):
        return isinstance(other, Vocabulary) and self._tokens == other._tokens

    def __repr__(self):
        shown = ", ".join(repr(token) for token in self._tokens[:8])
        more = ", ..." if len(self) > 8 else ""
        return f"Vocabulary(size={len(self)}, tokens=[{shown}{more}])"

    # -- single tokens --------------------------------------------------------------------
    def token_to_id(self, token):
        """Id of `token`; `<unk>`'s id for an unseen token if there is one, else ValueError."""
        index = self._ids.get(token)
        if index is None:
            if self.unknown:
                return self._ids[self.UNKNOWN]
            raise ValueError(
                f"token {token!r} is not in the vocabulary ({len(self)} tokens, "
                f"no {self.UNKNOWN!r}); build it from data that contains {token!r} "
                f"or use unknown=True"
            )
        return index

    def id_to_token(self, index):
        """Token with id `index`; ValueError naming the id if it is out of range."""
        return self._tokens[integer(index, "index", minimum=0, maximum=len(self._tokens) - 1)]

    # -- sequences ------------------------------------------------------------------------
    def encode(self, tokens, add_start=False, add_end=False):
        """Encode one token sequence as an int32 array, optionally framed by `<start>`/`<end>`.

        Args:
            tokens: iterable of tokens (a string is read as characters).
            add_start, add_end: prepend `<start>` / append `<end>` (needs `start_end=True`).

        Returns:
            int32 array of shape (len(tokens) + add_start + add_end,).
        """
        if (add_start or add_end) and not self.start_end:
            raise ValueError("add_start/add_end need a vocabulary made with start_end=True")
        ids = [self.token_to_id(token) for token in tokens]
        if add_start:
            ids.insert(0, self._ids[self.START])
        if add_end:
            ids.append(self._ids[self.END])
        return np.asarray(ids, dtype=np.int32)

    def decode(self, ids, strip=True):
        """Turn ids back into a list of tokens.

        Args:
            ids: 1-D sequence of integer ids.
            strip: drop `<pad>` and `<start>` and stop at the first `<end>` (what a decoder's
                output needs); with False every token is returned as it is.

        Returns:
            list of tokens.
        """
        array = validation.array(ids, "ids")
        if array.ndim != 1:
            fail("ids", "a 1-D sequence of ids (decode_batch decodes a batch)", array)
        if array.size:  # integer ids (whole floats refused too), each within the vocabulary
            array = token_ids(validation.array(array, "ids", dtype_kind="i"), "ids", len(self))
        tokens = []
        for index in array.tolist():
            token = self.id_to_token(index)
            if strip:
                if self.start_end and token == self.END:
                    break
                if token == self.PAD or (self.start_end and token == self.START):
                    continue
            tokens.append(token)
        return tokens

    def decode_text(self, ids, separator="", strip=True):
        """`decode` joined into one string: `separator=""` for characters, `" "` for words."""
        return separator.join(str(token) for token in self.decode(ids, strip=strip))

    def pad(self, sequences, max_length=None, padding="post"):
        """Stack id sequences into one (batch, max_length) int32 array filled with `<pad>` = 0.

        Args:
            sequences: iterable of 1-D integer id sequences.
            max_length: width of the result; default the longest sequence. A longer sequence
                raises ValueError (it is never cut silently).
            padding: "post" puts the padding after the tokens, "pre" before them.

        Returns:
            int32 array of shape (len(sequences), max_length).
        """
        one_of(padding, "padding", ("post", "pre"))
        max_length = optional(integer, max_length, "max_length", minimum=1)
        sequences = [np.asarray(sequence, dtype=np.int32).reshape(-1) for sequence in sequences]
        longest = max((len(sequence) for sequence in sequences), default=0)
        if max_length is None:
            max_length = longest
        elif longest > max_length:
            raise ValueError(f"a sequence has {longest} tokens, more than max_length={max_length}")
        batch = np.zeros((len(sequences), max_length), dtype=np.int32)
        for row, sequence in enumerate(sequences):
            if len(sequence):
                if padding == "post":
                    batch[row, : len(sequence)] = sequence
                else:
                    batch[row, max_length - len(sequence) :] = sequence
        return batch

    def encode_batch(
        self, sequences, max_length=None, add_start=False, add_end=False, padding="post"
    ):
        """`encode` every sequence and `pad` them into one (batch, max_length) int32 array."""
        return self.pad(
            [self.encode(sequence, add_start, add_end) for sequence in sequences],
            max_length=max_length,
            padding=padding,
        )

    def decode_batch(self, ids, separator=None, strip=True):
        """Decode a (batch, time) id array row by row: token lists, or strings if `separator`."""
        array = validation.array(ids, "ids")
        if array.ndim != 2:
            fail("ids", "a 2-D (batch, time) array of ids", array)
        if separator is None:
            return [self.decode(row, strip=strip) for row in array]
        return [self.decode_text(row, separator=separator, strip=strip) for row in array]
