"""Notebook 04's explorer: the spectral radius ρ of W_h against the decay of the gradient.

Example:
    course_utils.explore.spectral_radius_explorer().show()   # slider ρ, linear or tanh
"""

import ipywidgets as widgets

import numpy as np

from course_utils import validation
from course_utils.analysis import gradients
from course_utils.explore.core import CannotDraw, Explorer
from course_utils.layers.cells import SimpleRNNCell
from course_utils.plotting.foundations import plot_gradient_norms


def spectral_radius_explorer(units=32, steps=60, features=4, batch=16, seed=0, radius=1.0):
    """A slider for ρ in [0, 2] and a choice of activation; draws ‖∂L/∂h_k‖ for k = 1..T.

    The recurrent matrix is ρQ with Q orthogonal (seed `seed`); the inputs are Gaussian. For the
    linear RNN the dashed line is the prediction ρ^(T-k).
    """
    units = validation.integer(units, "units", minimum=1)
    steps = validation.integer(steps, "steps", minimum=2)
    features = validation.integer(features, "features", minimum=1)
    batch = validation.integer(batch, "batch", minimum=1)
    inputs = np.random.default_rng(seed).normal(size=(batch, steps, features)).astype("float32")
    direction = gradients.orthogonal_matrix(units, seed=seed)

    def draw(radius, activation):
        if radius <= 0:
            raise CannotDraw(
                f"ρ = {radius:g}: W_h = 0, so h_T does not depend on any earlier state and every "
                "gradient through the recurrence is exactly 0, which a log scale cannot draw. "
                "Move ρ above 0."
            )
        cell = SimpleRNNCell(units, activation=activation)
        cell.build((None, features))
        gradients.set_recurrent_spectral_radius(cell, radius, direction)
        norms = np.asarray(gradients.hidden_state_gradient_norms(cell, inputs), np.float64)
        label = f"ρ = {radius:.2f}"
        shown = np.where(norms > 0, norms, np.nan)  # float32 underflow (ρ^T < 1e-38) is not drawn
        if norms[0] > 0:
            decay = f"‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ = {norms[0] / norms[-1]:.2e}"
        else:
            decay = f"below 1e-38 (steps 1-{np.argmax(norms > 0)}) float32 rounds to 0"
        axes = plot_gradient_norms(
            {label: shown},
            predicted={label: radius} if activation == "linear" else None,
            title=f"{activation} RNN, W_h = ρQ, T = {steps}: {decay}",
        )
        axes.figure.tight_layout()
        return axes.figure

    controls = {
        "radius": widgets.FloatSlider(
            value=radius, min=0.0, max=2.0, step=0.05, description="ρ", readout_format=".2f"
        ),
        "activation": widgets.ToggleButtons(options=["linear", "tanh"], description="activation"),
    }
    return Explorer(controls, draw, what="spectral radius ρ → gradient decay")


__all__ = ["spectral_radius_explorer"]
