"""The loss functions themselves: how each punishes a prediction, and the gradient it sends back."""

import numpy as np
import pandas as pd
import streamlit as st

from playground import charts_labs
from playground.ui import views

st.title("The loss functions")
st.caption("One training point, one output neuron p = σ(z). Move the prediction and see what each "
           "loss says about it, and how hard it pushes the weights.")

left, middle, right = st.columns([1, 1, 3], vertical_alignment="bottom")
label = left.radio("True label y", [1, 0], horizontal=True, key="labs.losses.y",
                   persist_state="session")
axis = middle.radio("Horizontal axis", ["p", "z"], horizontal=True, key="labs.losses.axis",
                    persist_state="session",
                    format_func={"p": "probability p", "z": "logit z"}.get,
                    help="z is the output neuron's input; p = σ(z) = 1 / (1 + e^-z).")
p0 = right.slider("The network predicts p (probability of class 1)", 0.01, 0.99, 0.05, 0.01,
                  key="labs.losses.p", persist_state="session")

if axis == "p":
    x = np.linspace(0.002, 0.998, 499)
    p, marker, title = x, p0, "predicted probability p of class 1"
else:
    x = np.linspace(-8, 8, 401)
    p = 1 / (1 + np.exp(-x))
    marker, title = float(np.log(p0 / (1 - p0))), "logit z (p = σ(z))"
curves = charts_labs.loss_explorer_curves(label, p)
colours = charts_labs.run_colours(views.display()["palette"])
st.html(charts_labs.explorer_key_html(colours))
figures = charts_labs.loss_explorer_figures(x, curves, x_title=title, marker=marker,
                                            colours=colours)
for column, figure, name in zip(views.chart_columns(3, key="losses"), figures,
                                ("loss", "slope", "push")):
    with column:
        views.static_chart(figure, key=f"labs.losses.{name}")

at = charts_labs.loss_explorer_curves(label, np.array([p0]))
st.table(pd.DataFrame(
    [{"loss": charts_labs.EXPLORER_LABELS[name], f"value at p = {p0:.2f}": f"{v[0][0]:.4f}",
      "dL/dp": f"{v[1][0]:.4f}", "dL/dz (reaches the weights)": f"{v[2][0]:.4f}"}
     for name, v in at.items()]).set_index("loss"))

right_side = p0 > 0.5 if label == 1 else p0 < 0.5
wrong_by = abs(label - p0)
mse_push, ce_push = abs(at["mse"][2][0]), abs(at["bce"][2][0])
if not right_side and wrong_by > 0.8:
    st.warning(
        f"A confident mistake: the label is {label} but the network says p = {p0:.2f}. "
        f"Cross-entropy's loss is {at['bce'][0][0]:.2f} and its push on z is "
        f"{ce_push:.2f}, nearly the largest it can be. Squared error's loss is only "
        f"{at['mse'][0][0]:.2f}, and its push on z is {mse_push:.3f}, "
        f"{ce_push / max(mse_push, 1e-12):.0f} times weaker: the sigmoid's flat tail "
        "swallows the gradient, so the network barely learns from its worst mistakes.")
elif right_side and wrong_by < 0.2:
    st.success(
        f"Right, and sure of it. Hinge loss is {at['hinge'][0][0]:.2f}: past its margin "
        "(z = ±1, p = 0.73 or 0.27) it stops caring. Cross-entropy still asks for a little more "
        f"certainty ({at['bce'][0][0]:.3f}), so it never quite stops pushing.")
st.markdown(
    "- **Mean squared error** (p - y)²: bounded, gentle; combined with a sigmoid its gradient "
    "on z carries a factor p(1 - p) that vanishes when the neuron saturates, right or wrong.\n"
    "- **Cross-entropy** -[y log p + (1 - y) log(1 - p)]: grows without bound as a confident "
    "prediction turns out wrong; its gradient on z is simply p - y, as large as the mistake.\n"
    "- **Hinge** max(0, 1 - s·z) with s = +1 for y = 1 and -1 for y = 0, on the neuron's input "
    "z: a constant push until the prediction is right with a margin (|z| ≥ 1), then nothing. "
    "Support vector machines use it; the playground does not train with it.")
