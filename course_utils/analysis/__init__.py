"""The instruments of the lessons: what the notebooks measure about a model.

    bptt.py             backpropagation through time by hand (NumPy), truncated BPTT, costs
    gradients.py        ‖∂L/∂h_k‖ per step through any cell, spectral radius
    recording.py        record_gates: every gate activation of a cell over a sequence
    language_model.py   negative log-likelihood, perplexity, bits per character, unigram baseline
    ngram.py            NGramModel: add-k smoothed n-gram counts, the baseline of notebook 02
    metrics.py          corpus BLEU (sacrebleu) on token-id sequences
    dependency_depth.py matmul_chain_length: sequential matrix products of a traced model
    speech.py           word error rate (jiwer) of digit transcripts
    forecasting.py      MAE, RMSE, MASE; persistence, seasonal naive and Holt-Winters forecasts

Instruments may differentiate (`GradientTape`) to measure gradients; they never train.
"""
