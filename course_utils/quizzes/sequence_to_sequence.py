"""Quiz, part 4: sequence to sequence (notebooks 11-14): encoder-decoder, attention, beam search,
Transformers."""

from course_utils.quizzes.core import RIGHT, WRONG, question

TITLE = "Sequence to sequence"
NOTEBOOKS = (11, 12, 13, 14)

QUESTIONS = (
    question(
        "Which statements about a basic encoder-decoder (sequence-to-sequence) model are true?",
        (
            "a",
            RIGHT,
            "One fixed-size context vector is a bottleneck for long inputs.",
            "Yes: everything about the input must fit in it, which is what attention removes "
            "(notebook 12).",
        ),
        (
            "b",
            RIGHT,
            "The encoder reads the whole input and summarises it in a context vector (its "
            "final state).",
            "Yes: the decoder starts from that summary.",
        ),
        (
            "c",
            RIGHT,
            "The input and the output sequence can have different lengths.",
            "Yes: that is what the encoder-decoder split makes possible.",
        ),
        (
            "d",
            WRONG,
            "At inference the decoder writes all output tokens in parallel.",
            "No: it writes one token at a time, each depending on the tokens before it.",
        ),
        notebooks=(11,),
    ),
    question(
        "Which statements about teacher forcing are true?",
        (
            "a",
            RIGHT,
            "At inference the decoder sees its own predictions, which it never saw in "
            "training, so one error can lead to more (exposure bias).",
            "Yes: the training and inference inputs come from different distributions.",
        ),
        (
            "b",
            WRONG,
            "Teacher forcing is also used at inference.",
            "No: at inference there is no true output to feed in; that is the whole difficulty.",
        ),
        (
            "c",
            RIGHT,
            "Scheduled sampling gradually replaces true previous tokens by the model's own "
            "predictions during training.",
            "Yes: it exposes the model to its own mistakes while it learns (notebook 11 measures "
            "the effect).",
        ),
        (
            "d",
            RIGHT,
            "During training the decoder receives the true previous token as its input.",
            "Yes: that is teacher forcing; it makes training fast and stable.",
        ),
        notebooks=(11,),
    ),
    question(
        "Target sequences of different lengths are padded to one length. Which loss is right?",
        (
            "a",
            WRONG,
            "The mean over sequences of each sequence's mean token loss.",
            "No: that weights a token of a short sequence more than a token of a long one; it "
            "equals the token mean only when all lengths are equal.",
        ),
        (
            "b",
            RIGHT,
            "Whatever the model predicts at padded positions must not change the loss.",
            "Yes: a mask zeroes those positions (a classic bug when forgotten).",
        ),
        (
            "c",
            RIGHT,
            "The sum of the token losses over real tokens, divided by the number of real tokens.",
            "Yes: every real token counts once, padding not at all.",
        ),
        (
            "d",
            WRONG,
            "The mean of the token losses over all positions, padding included.",
            "No: the padding's losses then count too, and the result depends on how much padding "
            "there is.",
        ),
        notebooks=(11,),
    ),
    question(
        "Which statements about the START and END tokens of a decoder are true?",
        (
            "a",
            RIGHT,
            "START is the decoder's first input.",
            "Yes: it has no previous token yet, so it gets START.",
        ),
        (
            "b",
            WRONG,
            "END is only needed during training.",
            "No: the model must learn to produce END precisely so that it can stop at inference.",
        ),
        (
            "c",
            RIGHT,
            "Generation stops when the decoder outputs END, or at a maximum length.",
            "Yes: the maximum length guards against a model that never says END.",
        ),
        (
            "d",
            WRONG,
            "The decoder is trained to predict START.",
            "No: START is always given, never predicted.",
        ),
        notebooks=(11,),
    ),
    question(
        "How does attention help an encoder-decoder model?",
        (
            "a",
            RIGHT,
            "At every output step it lets the decoder focus on the input positions that "
            "matter for it.",
            "Yes: a new set of weights over the input at each step.",
        ),
        (
            "b",
            WRONG,
            "It encodes the whole input into one fixed-size vector.",
            "No: that is the bottleneck attention removes.",
        ),
        (
            "c",
            RIGHT,
            "It computes a context vector `c_j = Σ_i α_ij h_i`, a weighted sum of the "
            "encoder states.",
            "Yes: the weights alpha_ij say how much output step j looks at input position i.",
        ),
        (
            "d",
            WRONG,
            "It removes recurrence from every model that uses it.",
            "No: attention was first added to recurrent encoders and decoders; only Transformers "
            "drop recurrence.",
        ),
        notebooks=(12,),
    ),
    question(
        "How are the attention weights `α_ij` obtained?",
        (
            "a",
            RIGHT,
            "For one output step they are non-negative and sum to 1 over the real input positions.",
            "Yes: they form a distribution over the input.",
        ),
        (
            "b",
            RIGHT,
            "A softmax over scores that compare the decoder state with each encoder state.",
            "Yes: a small network (additive) or a dot product (multiplicative) gives the scores.",
        ),
        (
            "c",
            WRONG,
            "Padding positions get the same weight as real ones.",
            "No: padding is masked out and gets weight exactly 0.",
        ),
        (
            "d",
            WRONG,
            "They are fixed and uniform.",
            "No: that would be a plain average; the weights are computed anew at every output "
            "step.",
        ),
        notebooks=(12,),
    ),
    question(
        "Which attention score functions are written correctly (`s` the decoder state, `h` an "
        "encoder state)?",
        (
            "a",
            RIGHT,
            "General (Luong): `sᵀ W h`.",
            "Yes: a learned matrix lets s and h differ in size.",
        ),
        (
            "b",
            RIGHT,
            "Additive (Bahdanau): `vᵀ tanh(W_q s + W_k h)`.",
            "Yes: a one-hidden-layer network scores each pair.",
        ),
        (
            "c",
            RIGHT,
            "Dot (Luong): `sᵀ h`, which needs `s` and `h` of the same size.",
            "Yes: no parameters at all.",
        ),
        (
            "d",
            WRONG,
            "The dot score has more parameters than the additive score.",
            "No: the dot score has none; the additive one has W_q, W_k and v.",
        ),
        notebooks=(12,),
    ),
    question(
        "A model translates number words from English to German, where 'twenty-one' becomes "
        "'einundzwanzig' (units before tens). What do its attention weights show?",
        (
            "a",
            RIGHT,
            "The model learns this crossing alignment without ever being told it.",
            "Yes: the weights are trained only through the translation loss.",
        ),
        (
            "b",
            WRONG,
            "The alignment is always diagonal.",
            "No: it is diagonal only when the word order is the same.",
        ),
        (
            "c",
            RIGHT,
            "While writing 'ein' the decoder attends to 'one', which comes after 'twenty' "
            "in the input.",
            "Yes: the alignment crosses, and the heat map shows it.",
        ),
        (
            "d",
            WRONG,
            "Attention can only move forward through the input.",
            "No: at every step it may look at any input position.",
        ),
        notebooks=(12,),
    ),
    question(
        "Which statements about beam search are true?",
        (
            "a",
            RIGHT,
            "With width 1 it is greedy search.",
            "Yes: one hypothesis kept, the best token appended.",
        ),
        (
            "b",
            WRONG,
            "It picks the single most probable token at every step.",
            "No: that is greedy search.",
        ),
        (
            "c",
            RIGHT,
            "It lies between greedy and exhaustive search in cost and quality.",
            "Yes: wider beams cost more and miss less.",
        ),
        (
            "d",
            RIGHT,
            "It keeps the k most probable partial outputs at every step.",
            "Yes: k is the beam width.",
        ),
        (
            "e",
            WRONG,
            "It always finds the most probable output sequence.",
            "No: it is a heuristic; only exhaustive search guarantees that (or a beam wide enough "
            "to hold every hypothesis).",
        ),
        notebooks=(13,),
    ),
    question(
        "Why is length normalisation used in beam search?",
        (
            "a",
            RIGHT,
            "Without it beam search prefers short outputs, since every token adds a "
            "negative log-probability.",
            "Yes: a longer hypothesis has more negative terms in its sum.",
        ),
        (
            "b",
            WRONG,
            "It makes beam search exact.",
            "No: it changes what is compared, not how much is searched.",
        ),
        (
            "c",
            WRONG,
            "Greedy search needs it just as much.",
            "No: greedy search never compares hypotheses of different lengths; it picks one token "
            "at a time.",
        ),
        (
            "d",
            RIGHT,
            "It compares hypotheses by their log-probability divided by their length (or a "
            "power of it).",
            "Yes: a score per token rather than per sequence.",
        ),
        notebooks=(13,),
    ),
    question(
        "What do Transformers change compared with recurrent networks?",
        (
            "a",
            RIGHT,
            "During training all positions of a sequence are processed in parallel.",
            "Yes: no step waits for the previous one, unlike a recurrent network.",
        ),
        (
            "b",
            WRONG,
            "They always have fewer parameters than an LSTM.",
            "No: they are often much larger.",
        ),
        (
            "c",
            RIGHT,
            "Self-attention connects any two positions in one step.",
            "Yes: the path between positions has length 1 instead of their distance.",
        ),
        (
            "d",
            RIGHT,
            "The cost of self-attention grows with the square of the sequence length.",
            "Yes: every position scores every other one.",
        ),
        (
            "e",
            WRONG,
            "They solve the vanishing gradient problem by design, so deep Transformers "
            "need neither residual connections nor normalisation.",
            "No: attention shortens the paths between positions, but gradients still cross every "
            "layer of the stack; Transformers train thanks to residual connections and layer "
            "normalisation. Some lecture notes say 'solved by design'.",
        ),
        notebooks=(14,),
        corrects="transformer_gradients",
    ),
    question(
        "Which statements about the limits of LSTMs are true?",
        (
            "a",
            WRONG,
            "They always outperform Transformers.",
            "No: on most large language tasks Transformers now win.",
        ),
        (
            "b",
            RIGHT,
            "The computation over time is sequential, so it cannot be spread over the "
            "positions of a sequence.",
            "Yes: step t must wait for step t - 1 (notebook 14 measures the time against the "
            "length).",
        ),
        (
            "c",
            RIGHT,
            "Their gates make each unit more expensive than a vanilla recurrent unit.",
            "Yes: four blocks of weights per layer instead of one.",
        ),
        (
            "d",
            RIGHT,
            "The path between two positions grows with their distance.",
            "Yes: information and gradients must cross every step in between.",
        ),
        notebooks=(14,),
    ),
)
