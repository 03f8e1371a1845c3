"""Quiz, part 5: applications on real data (notebooks 16-18): speech recognition with CTC,
forecasting a real series, image captioning."""

from course_utils.quizzes.core import RIGHT, WRONG, question

TITLE = "Applications on real data"
NOTEBOOKS = (16, 17, 18)

QUESTIONS = (
    question(
        "Which statements about the blank symbol of connectionist temporal classification (CTC) "
        "are true?",
        (
            "a",
            WRONG,
            "The blank marks the silence between two spoken words, so it appears only in pauses.",
            "No: the network may emit the blank on any frame, inside a word too; it means 'no new "
            "label here', not 'silence'.",
        ),
        (
            "b",
            RIGHT,
            "Without a blank between them, two equal labels in a row (\"one one\") could not be "
            "told apart from one label held for several frames.",
            "Yes: repeats are merged first, so a doubled label needs a blank in between to survive "
            "the collapse.",
        ),
        (
            "c",
            RIGHT,
            "The network has one more output class than there are labels.",
            "Yes: the blank is an extra class next to the ten digits.",
        ),
        notebooks=(16,),
    ),
    question(
        "A frame-level path of a CTC network reads `_ 4 4 _ _ 2 2 2 _ 2` (`_` is the blank). "
        "What does it transcribe to?",
        (
            "a",
            WRONG,
            "4 2",
            "No: the blank between the last two 2s separates them, so both survive.",
        ),
        (
            "b",
            WRONG,
            "4 4 2 2 2 2",
            "No: repeated labels without a blank between them are merged into one.",
        ),
        (
            "c",
            RIGHT,
            "4 2 2",
            "Yes: merge repeats (_ 4 _ 2 _ 2), then drop the blanks.",
        ),
        (
            "d",
            WRONG,
            "4 _ 2 _ 2",
            "No: the blank is never part of the transcript; it is removed after merging.",
        ),
        notebooks=(16,),
    ),
    question(
        "Why is CTC trained with the forward algorithm instead of a loss on one alignment?",
        (
            "a",
            RIGHT,
            "The recordings carry no frame-by-frame labels: CTC sums the probability of every "
            "alignment that collapses to the transcript.",
            "Yes: the transcript alone is enough, which is why no one has to mark where each "
            "digit starts.",
        ),
        (
            "b",
            RIGHT,
            "The number of alignments grows exponentially with the length, but dynamic "
            "programming over (frame, label position) sums them in time proportional to "
            "frames times labels.",
            "Yes: that recursion over prefixes is the forward algorithm the notebook writes "
            "from scratch.",
        ),
        (
            "c",
            WRONG,
            "It makes the network's frames independent of each other, so no recurrent layer is "
            "needed.",
            "No: CTC assumes the outputs are independent given the input; the (bidirectional) "
            "recurrent layers are what give each frame its context.",
        ),
        (
            "d",
            WRONG,
            "It requires the transcript to be as long as the number of frames.",
            "No: the transcript must be at most as long as the frames allow (plus a blank between "
            "repeats); it is usually much shorter.",
        ),
        notebooks=(16,),
    ),
    question(
        "The speech notebook reports the word error rate on a speaker kept out of training. Which "
        "statements are true?",
        (
            "a",
            RIGHT,
            "Clips of the training speakers would overstate how well the model does for a new "
            "voice.",
            "Yes: the model can learn a speaker's voice; only an unseen speaker measures what "
            "carries over.",
        ),
        (
            "b",
            WRONG,
            "The word error rate can never exceed 1.",
            "No: it counts substitutions, deletions and insertions over the reference length, so "
            "many insertions push it above 1.",
        ),
        (
            "c",
            RIGHT,
            "A word error rate counts substitutions, deletions and insertions after the best "
            "alignment of hypothesis and reference (an edit distance over words).",
            "Yes: that is what jiwer computes.",
        ),
        notebooks=(16,),
    ),
    question(
        "A monthly series is split into train, validation and test periods. Which steps leak "
        "information from the test period into the model or its evaluation?",
        (
            "a",
            RIGHT,
            "Standardising with the mean and standard deviation of the whole series.",
            "Yes: the statistics carry the level of the test period (a trend moves the mean) into "
            "training.",
        ),
        (
            "b",
            RIGHT,
            "Cutting overlapping windows first and then splitting them at random into train and "
            "test.",
            "Yes: a test window then shares most of its values with training windows, so the "
            "reported error is far too good.",
        ),
        (
            "c",
            WRONG,
            "Fitting the scaler on the training period and applying it unchanged to the "
            "validation and test periods.",
            "No: that is the correct way; the scaler only knows what a forecaster would have "
            "known at the time.",
        ),
        (
            "d",
            WRONG,
            "Choosing the window length on the validation period.",
            "No: the validation period lies before the test period and is meant for such choices.",
        ),
        notebooks=(17,),
    ),
    question(
        "A forecaster has a mean absolute scaled error (MASE) of 0.8 on the test period. What does "
        "that mean?",
        (
            "a",
            WRONG,
            "80 % of its forecasts are right.",
            "No: MASE is not a proportion of hits; it is a ratio of errors.",
        ),
        (
            "b",
            RIGHT,
            "Its mean absolute error is 0.8 times that of the seasonal naive forecast on the "
            "training period.",
            "Yes: the scale is the in-sample error of the naive method, so below 1 means better "
            "than that benchmark's usual error.",
        ),
        (
            "c",
            WRONG,
            "Its error is 0.8 in the units of the series.",
            "No: dividing by the naive error makes MASE unit-free, which is why it compares "
            "across series.",
        ),
        notebooks=(17,),
    ),
    question(
        "Why does the forecasting notebook compare the recurrent models with persistence, "
        "seasonal naive and a classical statistical model?",
        (
            "a",
            RIGHT,
            "A model that does not beat 'next month equals this month' (or 'equals the same month "
            "last year') has learned nothing useful.",
            "Yes: these naive forecasts cost nothing, so they are the bar any model must clear.",
        ),
        (
            "b",
            RIGHT,
            "On a short, regular series a classical model with a trend and a seasonal term can "
            "win over a neural network.",
            "Yes: it has the right structure built in and few parameters to estimate; the "
            "notebook reports which one wins, as measured.",
        ),
        (
            "c",
            WRONG,
            "Neural networks always need a baseline because they cannot forecast more than one "
            "step.",
            "No: a multi-step forecaster (direct or sequence to sequence) predicts the whole "
            "horizon at once.",
        ),
        notebooks=(17,),
    ),
    question(
        "Which pattern of the unfolding notebook is image captioning?",
        (
            "a",
            WRONG,
            "Many-to-one.",
            "No: that reads a sequence and gives one output, like the spoken-digit classifier.",
        ),
        (
            "b",
            RIGHT,
            "One-to-many: one image in, a sequence of words out.",
            "Yes: the encoder's summary of the image starts the decoder, which writes word after "
            "word.",
        ),
        (
            "c",
            WRONG,
            "Many-to-many, synchronised.",
            "No: the caption has no word per image column; its length is set by the decoder.",
        ),
        (
            "d",
            WRONG,
            "One-to-one.",
            "No: the output is a sequence of varying length, not one label.",
        ),
        notebooks=(18,),
    ),
    question(
        "In 'show, attend and tell' the decoder attends over the columns of the encoded digit "
        "strip. Which statements are true?",
        (
            "a",
            RIGHT,
            "For the k-th word, a well-trained model puts most attention weight on the columns of "
            "the k-th digit, so the maps move left to right.",
            "Yes: the notebook measures this with a rank correlation between word position and "
            "attended column.",
        ),
        (
            "b",
            WRONG,
            "The attention weights of one word sum to the number of columns.",
            "No: a softmax over the columns makes them sum to 1.",
        ),
        (
            "c",
            RIGHT,
            "Unlike a single context vector, the encoder's output does not have to squeeze a long "
            "strip into one fixed-size vector.",
            "Yes: the decoder can read each column again when it needs it, which matters most for "
            "the longest strips.",
        ),
        notebooks=(18,),
    ),
    question(
        "Captions are scored with exact match and with BLEU. Which statements are true?",
        (
            "a",
            WRONG,
            "BLEU and exact match always rank two models the same way.",
            "No: BLEU gives credit for partly right captions (matching n-grams), exact match does "
            "not, so they can disagree.",
        ),
        (
            "b",
            RIGHT,
            "A caption with one wrong digit out of six scores 0 in exact match but well above 0 "
            "in BLEU.",
            "Yes: its other words and most of its n-grams still match the reference.",
        ),
        (
            "c",
            RIGHT,
            "The scores should be reported by strip length, because long strips are harder.",
            "Yes: an average over all lengths hides where a model fails.",
        ),
        (
            "d",
            WRONG,
            "Beam search always gives a higher exact match than greedy decoding.",
            "No: beam search finds captions with a higher model score; that is often, not always, "
            "a better caption, and with a confident model the two are often the same.",
        ),
        notebooks=(18,),
    ),
)
