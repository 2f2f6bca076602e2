"""Plotly figures for the cat/dog page: pure functions of arrays, no Streamlit.

Like ``playground.charts``, every builder returns a figure dict with NumPy arrays in place, laid
out by hand (axis domains) rather than with make_subplots. The figures:

- ``pair_figure``: every pair of features against each other, coloured by species;
- ``confusion_figure``: true against predicted species, for the training and test sets;
- ``probability_figure``: one or more P(cat) | P(dog) bars for one animal;
- ``step_figure``: one layer's weights before a step, the gradient, the change and the weights
  after, as four heatmaps with the numbers written in;
- ``trajectory_figure``: the probability of the true species after each single-example step.

Left out: the live views (boundary, loss curves), which come from ``playground.charts``.
"""

from __future__ import annotations

import numpy as np

from playground.charts import _base_layout, _domains
from playground.datasets import feature_label  # noqa: F401  (the pages import it from here too)
from playground.display import PALETTES

MAX_CELL_TEXT = 160  # heatmaps with more cells than this show values on hover only


def _diverging(palette):
    return [[0.0, palette[0]], [0.5, "#f7f7f7"], [1.0, palette[1]]]


# Narrower than this (a phone), the pair plot's axis titles run into each other: it scrolls
# sideways instead (views.wide_chart). Measured: clean at 450 px, titles overlapping at 358.
PAIR_MIN_WIDTH = 480
# The step figure's room: the row names at its left, a panel's title, a cell with its number.
STEP_ROW_NAMES, STEP_TITLE, STEP_CELL = 150, 100, 40  # "-1.6e-04" needs 40


# -- the data ---------------------------------------------------------------------------------
def pair_figure(X: np.ndarray, y: np.ndarray, feature_names, class_names, *, names=None,
                palette=PALETTES["classic"], height=720) -> dict:
    """A scatter-plot matrix: each feature against each other one, one colour per class.

    Only the lower triangle is drawn (the upper one mirrors it). ``names`` (one per row, e.g. the
    breed) shows on hover.
    """
    X, y = np.asarray(X), np.asarray(y)
    data = []
    for k, cls in enumerate(class_names):
        pick = y == k
        trace = {"type": "splom", "name": cls, "showupperhalf": False,
                 "diagonal": {"visible": False},
                 # The unit on a line of its own, so six titles side by side fit a laptop's
                 # width in projector mode.
                 "dimensions": [{"label": feature_label(f).replace(" (", "<br>("),
                                 "values": X[pick, j].astype(np.float32)}
                                for j, f in enumerate(feature_names)],
                 "marker": {"color": palette[k], "size": 4, "opacity": 0.6,
                            "line": {"width": 0}}}
        if names is not None:
            trace["text"] = [str(n) for n, p in zip(names, pick) if p]
            trace["hovertemplate"] = f"{cls}: %{{text}}<extra></extra>"
        data.append(trace)
    layout = _base_layout(height, dragmode="select",
                          margin={"l": 80, "r": 20, "t": 30, "b": 70},
                          legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"})
    return {"data": data, "layout": layout}


# -- results -------------------------------------------------------------------------------------
def confusion_figure(matrices: dict, class_names, *, height=260) -> dict:
    """One heatmap per split: rows the true class, columns the predicted one.

    Each cell shows its count and its share of the row (the share of that true class), and is
    shaded by that share, so the two splits compare at a glance whatever their sizes.
    """
    data, layout = [], _base_layout(height, showlegend=False,
                                    margin={"l": 60, "r": 10, "t": 50, "b": 45})
    annotations = []
    splits = list(matrices)
    for i, (split, domain) in enumerate(zip(splits, _domains(len(splits), gap=0.16))):
        counts = np.asarray(matrices[split], np.int64)
        rows = counts.sum(axis=1, keepdims=True)
        share = np.divide(counts, rows, out=np.zeros(counts.shape), where=rows > 0)
        text = [[f"{c}<br>{s:.0%}" for c, s in zip(cr, sr)] for cr, sr in zip(counts, share)]
        axis = "" if i == 0 else str(i + 1)
        data.append({"type": "heatmap", "z": share.astype(np.float32), "x": list(class_names),
                     "y": list(class_names), "text": text, "texttemplate": "%{text}",
                     "textfont": {"size": 14}, "zmin": 0, "zmax": 1, "showscale": False,
                     "colorscale": [[0, "#fbfbfb"], [1, "#7d9bc4"]], "xgap": 2, "ygap": 2,
                     "xaxis": f"x{axis}", "yaxis": f"y{axis}",
                     "hovertemplate": "true %{y}, predicted %{x}: %{text}<extra></extra>"})
        layout[f"xaxis{axis}"] = {"domain": domain, "anchor": f"y{axis}",
                                  "title": {"text": "predicted"}, "fixedrange": True}
        layout[f"yaxis{axis}"] = {"anchor": f"x{axis}", "title": {"text": "true" if i == 0 else ""},
                                  "autorange": "reversed", "fixedrange": True}
        total = int(counts.sum())
        right = int(np.trace(counts))
        # "298/300 right", short: the two panels' titles sit side by side on a laptop.
        annotations.append({"text": f"<b>{split} set</b><br>{right}/{total} right",
                            "x": sum(domain) / 2, "y": 1.0, "xref": "paper", "yref": "paper",
                            "showarrow": False, "yanchor": "bottom"})
    layout["annotations"] = annotations
    return {"data": data, "layout": layout}


# -- one animal ---------------------------------------------------------------------------------
def probability_figure(rows, class_names, *, palette=PALETTES["classic"], height=None) -> dict:
    """Horizontal bars split into P(class 0) | P(class 1), one bar per (row label, p1) in ``rows``.

    The split point is the network's P(class 1); a dotted line marks 0.5, the decision threshold.
    Each row's label carries both probabilities, so a sliver too thin for its text still has its
    number on show.
    """
    p1 = np.array([p for _, p in rows], np.float64)
    labels = [f"{label}<br>{class_names[0]} {1 - p:.1%} · {class_names[1]} {p:.1%}"
              for (label, _), p in zip(rows, p1)]
    data = []
    for k, (cls, share) in enumerate(((class_names[0], 1 - p1), (class_names[1], p1))):
        data.append({"type": "bar", "orientation": "h", "name": cls, "y": labels,
                     "x": share.astype(np.float32), "marker": {"color": palette[k]},
                     "text": [f"{cls} {s:.1%}" if s >= 0.12 else "" for s in share],
                     # Each text at its bar's outer end, clear of the 0.5 line in the middle.
                     "textposition": "inside", "insidetextanchor": "start" if k == 0 else "end",
                     "textangle": 0,
                     "textfont": {"color": "white", "size": 14},
                     "hovertemplate": f"P({cls}) = %{{x:.4f}}<extra></extra>"})
    height = height or 60 + 50 * len(rows)
    layout = _base_layout(height, barmode="stack", showlegend=False,
                          margin={"l": 170, "r": 20, "t": 10, "b": 30},
                          xaxis={"range": [0, 1], "tickformat": ".0%", "fixedrange": True},
                          yaxis={"autorange": "reversed", "fixedrange": True},
                          shapes=[{"type": "line", "x0": 0.5, "x1": 0.5, "y0": 0, "y1": 1,
                                   "xref": "x", "yref": "paper",
                                   "line": {"color": "#333", "width": 1, "dash": "dot"}}])
    return {"data": data, "layout": layout}


def _cell_text(values) -> list:
    """Short labels for heatmap cells: 3 significant digits, scientific notation below 0.001."""
    def one(v):
        v = float(v)
        if v == 0:
            return "0"
        return f"{v:.3g}" if abs(v) >= 1e-3 else f"{v:.1e}"
    return [[one(v) for v in row] for row in np.asarray(values)]


def _heatmap(values, rows, cols, axis, reach, palette, with_text):
    trace = {"type": "heatmap", "z": np.asarray(values, np.float32), "x": cols, "y": rows,
             "zmin": -reach, "zmax": reach, "zmid": 0, "colorscale": _diverging(palette),
             "showscale": False, "xgap": 1, "ygap": 1, "xaxis": f"x{axis}", "yaxis": f"y{axis}",
             "hovertemplate": "%{y} → %{x}: %{z:.6g}<extra></extra>"}
    if with_text:
        trace.update(text=_cell_text(values), texttemplate="%{text}", textfont={"size": 11})
    return trace


def _reach(*arrays):
    return max(max(float(np.abs(a).max(initial=0.0)) for a in arrays), 1e-12)


def step_figure(before, gradient, change, after, row_names, col_names, *, lr: float,
                palette=PALETTES["classic"], height=None) -> dict:
    """One layer's single-example step as four heatmaps: W before, dL/dW, -lr dL/dW, W after.

    Arrays are the engine's (fan_in + 1, fan_out) blocks (weights, then the bias row). The
    before and after panels share one colour range so a change of colour is a change of weight;
    the gradient and the change each get their own range (they are orders of magnitude smaller).
    Blue is negative, orange positive, white zero. Narrow blocks (one or two units) sit in one
    row of four; wider ones in two rows of two, so the numbers written in the cells fit.
    """
    per_row = _step_per_row(col_names)
    # Four narrow panels in a row: each title on two lines, to fit above its panel.
    cut = "<br>" if per_row == 4 else " "
    panels = ((f"weights{cut}before", before, _reach(before, after)),
              (f"gradient{cut}∂L/∂w", gradient, _reach(gradient)),
              (f"change ={cut}−{lr:g} × gradient", change, _reach(change)),
              (f"weights{cut}after", after, _reach(before, after)))
    with_text = np.size(before) <= MAX_CELL_TEXT
    n_rows = 4 // per_row
    cells, gap = 22 * len(row_names), 70  # pixels: one panel's cells; between two rows
    top = 48 if per_row == 4 else 24  # room for the titles above the first row
    height = height or max(170, n_rows * cells + (n_rows - 1) * gap + top + 30)
    plot = height - top - 30  # less the top and bottom margins
    x_domains = _domains(per_row, _step_gap(per_row))
    y_domains = [[max(0.0, 1 - ((r + 1) * cells + r * gap) / plot),
                  1 - r * (cells + gap) / plot] for r in range(n_rows)]
    data, annotations = [], []
    layout = _base_layout(height, showlegend=False, margin={"l": 140, "r": 10, "t": top, "b": 30})
    for i, (title, values, reach) in enumerate(panels):
        axis = "" if i == 0 else str(i + 1)
        x_dom, y_dom = x_domains[i % per_row], y_domains[i // per_row]
        data.append(_heatmap(values, row_names, col_names, axis, reach, palette, with_text))
        layout[f"xaxis{axis}"] = {"domain": x_dom, "anchor": f"y{axis}", "tickangle": 0,
                                  "fixedrange": True, "tickfont": {"size": 10}}
        layout[f"yaxis{axis}"] = {"domain": y_dom, "anchor": f"x{axis}", "autorange": "reversed",
                                  "showticklabels": i % per_row == 0, "fixedrange": True}
        annotations.append({"text": title, "x": sum(x_dom) / 2, "y": y_dom[1], "xref": "paper",
                            "yref": "paper", "showarrow": False, "yanchor": "bottom"})
    layout["annotations"] = annotations
    return {"data": data, "layout": layout}


def _step_per_row(col_names) -> int:
    return 4 if len(col_names) <= 2 else 2


def _step_gap(per_row: int) -> float:
    return 0.03 if per_row == 4 else 0.06


def step_figure_width(col_names) -> int:
    """The fewest pixels ``step_figure`` needs for these columns without text overlapping."""
    per_row = _step_per_row(col_names)
    panel = max(STEP_TITLE, STEP_CELL * len(col_names))
    return int(STEP_ROW_NAMES + per_row * panel / (1 - (per_row - 1) * _step_gap(per_row)))


def trajectory_figure(p_label, class_name: str, *, palette=PALETTES["classic"],
                      colour_index=0, height=240) -> dict:
    """P(true class) after 0, 1, 2 ... single-example steps, with the 0.5 threshold dotted."""
    p = np.asarray(p_label, np.float64)
    steps = np.arange(len(p), dtype=np.int32)
    data = [{"type": "scatter", "mode": "lines+markers", "x": steps, "y": p.astype(np.float32),
             "name": f"P({class_name})", "line": {"color": palette[colour_index], "width": 2},
             "hovertemplate": f"after %{{x}} steps: P({class_name}) = %{{y:.4f}}<extra></extra>"}]
    layout = _base_layout(height, showlegend=False, margin={"l": 60, "r": 20, "t": 20, "b": 40},
                          xaxis={"title": {"text": "single-example steps taken"}, "dtick": 1
                                 if len(p) <= 20 else None, "rangemode": "tozero"},
                          yaxis={"title": {"text": f"P({class_name})"}, "range": [0, 1.02]},
                          shapes=[{"type": "line", "x0": 0, "x1": 1, "y0": 0.5, "y1": 0.5,
                                   "xref": "paper", "yref": "y",
                                   "line": {"color": "#333", "width": 1, "dash": "dot"}}])
    return {"data": data, "layout": layout}
