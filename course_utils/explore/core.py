"""The frame of every explorer: controls, a figure redrawn for their values, a message instead of a
figure where the values cannot be drawn, and a static default figure for a printout or the site.

An explorer is made from ipywidgets controls and a `draw(**values)` function that returns a
matplotlib figure or raises `CannotDraw` with a sentence for the student. `Explorer.show()`:

1. draws the default values as an ordinary figure, stored with the notebook like any other, so the
   page reads well where no kernel runs (the course site, nbconvert's HTML, a printout);
2. displays the controls, a message line and the redrawn figure below them. Its stored form is one
   line of text (`text/plain`) that says how to use it; the widget itself lives only while the
   kernel does (`scripts/notebooks.py` keeps no widget state, and no model id, in the notebooks).

Example:
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=2.0, description="ρ")
    Explorer({"radius": slider}, draw=lambda radius: figure_for(radius), what="ρ").show()
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class CannotDraw(ValueError):
    """Values the explorer cannot draw; the message is shown in the explorer, not a traceback."""


class Explorer:
    """Controls (name → ipywidgets control) and `draw(**values) -> Figure`; see the module."""

    def __init__(self, controls, draw, what):
        self.controls = dict(controls)
        self.draw = draw
        self.what = what
        self.message = widgets.HTML(value="")
        self.message.add_class("course-explorer-message")
        self.output = widgets.Output()
        self.output.add_class("course-explorer-figure")
        self.widget = widgets.VBox(
            [widgets.HBox(list(self.controls.values())), self.message, self.output]
        )
        self.widget.add_class("course-explorer")
        for control in self.controls.values():
            control.observe(self.redraw, names="value")

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def figure(self, **values):
        """The figure for `values` (the controls' values by default); raises `CannotDraw`."""
        return self.draw(**(values or self.values()))

    def show(self):
        """Display the static default figure, then the live explorer (see the module)."""
        try:
            figure = self.figure()
        except CannotDraw as reason:
            print(reason)
        else:
            display(figure)
            plt.close(figure)
        hint = f"[interactive explorer: {self.what}; run this notebook in JupyterLab to use it]"
        display(
            {WIDGET_VIEW: self.widget._repr_mimebundle_()[WIDGET_VIEW], "text/plain": hint},
            raw=True,
        )
        self.redraw()

    def redraw(self, change=None):
        """Draw the controls' values into the explorer, or say why they cannot be drawn.

        The figure is put into the widget's state (`Output.outputs`), not printed, so it goes
        only to the explorer, also in a cell that nbval or nbclient runs."""
        self.output.outputs = ()
        try:
            figure = self.figure()
        except CannotDraw as reason:
            self.message.value = f"<b>{reason}</b>"
            return
        self.message.value = ""
        self.output.append_display_data(figure)
        plt.close(figure)
