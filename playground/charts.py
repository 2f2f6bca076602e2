"""Plotly figures of a training run: pure functions of NumPy arrays, no Streamlit.

Every builder returns a figure *dict* ({"data": [...], "layout": {...}}) with NumPy arrays left in
place: ``st.plotly_chart``, ``plotly.io`` and the live chart component all take it, Plotly 7 sends
the arrays as compact typed arrays, and skipping ``go.Figure``'s validation keeps a redraw cheap
(a test validates every builder's output with ``go.Figure``). Arrays are float32 where the
precision is only for the eye.

Sub-plots are laid out by hand (x-axis domains) rather than with make_subplots, which is slow in
a redraw loop.

Left out: anything interactive beyond Plotly's own hover, zoom and PNG download.
"""

from __future__ import annotations

import base64
import functools
from types import MappingProxyType

import numpy as np

from playground.charts_image import encode_png
from playground.display import PALETTES

MAX_LINE_POINTS = 4000
MISCLASSIFIED_COLOUR = "#111"
MAX_SVG_POINTS = 2000
MAX_LINKS = 1500
METRIC_LABELS = MappingProxyType({"accuracy": "accuracy", "r2": "R²"})


def _diverging(palette):
    return [[0.0, palette[0]], [0.5, "#f7f7f7"], [1.0, palette[1]]]


def _rgb(hex_colour):
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def _png_url(rgba: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(encode_png(rgba)).decode("ascii")


def _base_layout(height, **extra):
    # Axis titles are {"text": ...}: plotly.js 3 ignores a plain string there, and these dicts
    # skip go.Figure's conversion. The legend sits on top, clear of them.
    layout = {"height": height, "margin": {"l": 55, "r": 20, "t": 40, "b": 45},
              "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
              "hovermode": "closest"}
    layout.update(extra)
    return layout


# -- the decision boundary -------------------------------------------------------------------
def boundary_rgba(values: np.ndarray, task: str, palette, discretize=False, zrange=(-1, 1),
                  opacity=0.75) -> np.ndarray:
    """Colour each grid cell: (ny, nx, 4) uint8, row 0 at the TOP (image order).

    Binary: a blue-white-orange ramp over P(class 1) (discretized: the predicted class's colour).
    Multi-class: the arg-max class's colour, faded toward white as the confidence falls to
    1/classes (discretized: full colour). Regression: the ramp over the output in ``zrange``.
    """
    white = np.full(3, 247, np.float32)
    if task == "multiclass":
        k = values.shape[-1]
        winner = values.argmax(axis=-1)
        colours = np.stack([_rgb(c) for c in palette[:k]])[winner]
        strength = np.ones(winner.shape, np.float32) if discretize else (
            (values.max(axis=-1) - 1 / k) / (1 - 1 / k))
    else:
        low, high = (0.0, 1.0) if task == "binary" else zrange
        t = np.clip((values - low) / (high - low), 0, 1).astype(np.float32)
        if discretize:
            t = (t > 0.5).astype(np.float32)
        side = t >= 0.5
        colours = np.where(side[..., None], _rgb(palette[1]), _rgb(palette[0]))
        strength = np.abs(2 * t - 1)
    rgb = white + (colours - white) * strength[..., None]
    rgba = np.empty(values.shape[:2] + (4,), np.uint8)
    rgba[..., :3] = np.clip(rgb, 0, 255)
    rgba[..., 3] = round(255 * opacity)
    return rgba[::-1]


def boundary_figure(xs, ys, values, task, *, palette=PALETTES["classic"], discretize=False,
                    train=None, test=None, class_names=None, zrange=(-1, 1),
                    axis_titles=("x1", "x2"), height=420, title=None, equal_axes=False) -> dict:
    """The network's output over the input plane, drawn as an image, with the data on top.

    ``train`` / ``test``: ``(X, y, predicted)`` with X (n, 2) plane coordinates, y labels (or
    targets), predicted classes (or None); misclassified points get a black cross.
    ``equal_axes`` keeps one unit the same length on both axes (for the plane datasets).
    """
    url = _png_url(boundary_rgba(values, task, palette, discretize, zrange))
    image = {"source": url, "xref": "x", "yref": "y", "x": float(xs[0]), "y": float(ys[-1]),
             "sizex": float(xs[-1] - xs[0]), "sizey": float(ys[-1] - ys[0]),
             "sizing": "stretch", "layer": "below"}
    data = []
    for name, points, symbol in (("train", train, "circle"), ("test", test, "diamond")):
        if points is not None:
            data.append(_points_trace(name, points, task, palette, symbol, class_names, zrange))
    wrong = [_misclassified(p) for p in (train, test) if p is not None and task != "regression"]
    shapes = []
    if wrong:
        # The crosses are one layout path, not a trace, and the traces carry only what stays
        # put while training: then a new frame changes the layout alone (image and path), and
        # Plotly redraws those instead of every point and both axes, many times cheaper a frame
        # (bench/bench_live_chart.py). This empty trace only gives the crosses their legend
        # entry.
        data.append({"type": "scatter", "mode": "markers", "name": "misclassified",
                     "x": [None], "y": [None], "hoverinfo": "skip",
                     "marker": {"symbol": "x-thin", "size": 9,
                                "line": {"width": 2, "color": MISCLASSIFIED_COLOUR}}})
        X = np.vstack(wrong)
        if len(X):
            shapes.append({"type": "path", "xref": "x", "yref": "y", "layer": "above",
                           "path": crosses_path(X, xs[-1] - xs[0], ys[-1] - ys[0]),
                           "line": {"width": 2, "color": MISCLASSIFIED_COLOUR}})
    data += _boundary_key(task, palette, class_names, zrange, discretize)
    layout = _base_layout(height, images=[image], shapes=shapes,
                          title={"text": title or "", "x": 0.02},
                          xaxis={"range": [float(xs[0]), float(xs[-1])],
                                 "title": {"text": axis_titles[0]},
                                 "showgrid": False, "zeroline": False, "constrain": "domain"},
                          yaxis={"range": [float(ys[0]), float(ys[-1])],
                                 "title": {"text": axis_titles[1]},
                                 "showgrid": False, "zeroline": False})
    if equal_axes:
        layout["yaxis"].update(scaleanchor="x", scaleratio=1)
    # One row of keys: by default Plotly stacks a legend group (the classes) in a column of
    # its own, three lines high for three classes, which shrank the plot under it.
    layout["legend"] = {**layout.get("legend", {}), "traceorder": "normal"}
    if title:
        # The legend sits on the plot's top edge: the title goes on a line of its own above it
        # (at the default place the two overlap).
        layout["margin"] = {**layout["margin"], "t": layout["margin"]["t"] + 26}
        layout["title"].update(y=1, yref="container", yanchor="top", pad={"t": 8})
    return {"data": data, "layout": layout}


def _boundary_key(task, palette, class_names, zrange, discretize) -> list:
    """What the background's colours mean: a colour scale (a binary class's probability, or
    the regression output), or one legend entry per class (multi-class, or discretized).

    Empty traces, so they never change between frames and cost Plotly.react nothing.
    """
    names = list(class_names or [])
    if task == "multiclass" or (discretize and task == "binary"):
        k = len(names) if names else (2 if task == "binary" else len(palette))
        names = names or [f"class {i}" for i in range(k)]
        return [{"type": "scatter", "mode": "markers", "name": names[i], "x": [None],
                 "y": [None], "hoverinfo": "skip", "legendgroup": "classes",
                 "marker": {"symbol": "square", "size": 11, "color": palette[i]}}
                for i in range(min(k, len(palette)))]
    if task == "binary":
        low, high, label = 0.0, 1.0, f"P({names[1] if len(names) > 1 else 'class 1'})"
        ticks = {"tickvals": [0, 0.5, 1], "ticktext": ["0", "0.5", "1"]}
    else:
        (low, high), label, ticks = zrange, "output", {"nticks": 5}
    return [{"type": "scatter", "mode": "markers", "name": label, "x": [None], "y": [None],
             "hoverinfo": "skip", "showlegend": False,
             "marker": {"color": [low, high], "cmin": low, "cmax": high,
                        "colorscale": _diverging(palette), "showscale": True,
                        "colorbar": {"title": {"text": label, "side": "right"}, "thickness": 12,
                                     "len": 0.75, "outlinewidth": 0, **ticks}}}]


def _points_trace(name, points, task, palette, symbol, class_names, zrange):
    X, y, _ = points
    X = np.asarray(X, np.float32)
    if task == "regression":
        colour = {"color": np.asarray(y, np.float32), "colorscale": _diverging(palette),
                  "cmin": zrange[0], "cmax": zrange[1]}
        text = [f"target {v:.3g}" for v in y]
    else:
        colour = {"color": [palette[int(c)] for c in y]}
        names = class_names or [str(i) for i in range(len(palette))]
        text = [names[int(c)] for c in y]
    line = {"width": 1, "color": "white"} if name == "train" else {"width": 1.5, "color": "#222"}
    # SVG points hover and export crisply and cost nothing while they stay put; WebGL only for
    # sets large enough that drawing them as SVG nodes would stall a page change.
    kind = "scatter" if len(X) <= MAX_SVG_POINTS else "scattergl"
    return {"type": kind, "mode": "markers", "name": name, "x": X[:, 0], "y": X[:, 1],
            "text": text, "hovertemplate": f"{name}: %{{text}}<extra></extra>",
            "marker": {**colour, "symbol": symbol, "size": 7 if name == "train" else 8,
                       "line": line}}


def crosses_path(X, width, height, size=0.012) -> str:
    """An SVG path of an x-shaped cross at each row of X (n, 2), in data coordinates.

    Each arm reaches ``size`` times the plot's width and height from the centre, so the crosses
    look alike whatever the axes' units.
    """
    X = np.asarray(X, np.float64)
    lo, hi = X - (size * width, size * height), X + (size * width, size * height)
    ends = np.column_stack([lo[:, 0], lo[:, 1], hi[:, 0], hi[:, 1],
                            lo[:, 0], hi[:, 1], hi[:, 0], lo[:, 1]])
    return "".join("M%.6g,%.6gL%.6g,%.6gM%.6g,%.6gL%.6g,%.6g" % tuple(row)
                   for row in ends.tolist())


def _misclassified(points):
    X, y, predicted = points
    if predicted is None:
        return np.empty((0, 2))
    return np.asarray(X)[np.asarray(predicted) != np.asarray(y)]


# -- loss and metric curves ---------------------------------------------------------------------
def decimate(x: np.ndarray, y: np.ndarray, limit: int = MAX_LINE_POINTS):
    """At most ~limit points of a line, keeping each bucket's lowest and highest value.

    The buckets are equal runs of consecutive points, so the line keeps its whole envelope:
    every spike and dip survives. Vectorised (the charts redraw every frame while playing).
    """
    n = len(x)
    if n <= limit:
        return x, y
    width = -(-n // max(limit // 2, 1))  # points per bucket
    buckets = -(-n // width)
    rows = np.full(buckets * width, np.nan)
    rows[:n] = y
    rows = rows.reshape(buckets, width)
    missing = np.isnan(rows)  # padding, or gaps in the line: never a bucket's extreme
    low = np.where(missing, np.inf, rows).argmin(axis=1)
    high = np.where(missing, -np.inf, rows).argmax(axis=1)
    starts = np.arange(buckets) * width
    keep = np.concatenate([[0, n - 1], starts + low, starts + high])
    keep = np.unique(keep[keep < n])
    return x[keep], y[keep]


def _line(name, x, y, colour, dash="solid", axis="", width=2, limit=MAX_LINE_POINTS):
    x, y = decimate(np.asarray(x), np.asarray(y, np.float64), limit)
    # Before training there is one point (epoch 0), which a line alone would not show.
    return {"type": "scatter", "mode": "lines" if len(x) > 1 else "markers", "name": name, "x": x.astype(np.int32),
            "y": y.astype(np.float32), "line": {"color": colour, "dash": dash, "width": width},
            "xaxis": f"x{axis}", "yaxis": f"y{axis}",
            "hovertemplate": f"{name}<br>epoch %{{x}}: %{{y:.4g}}<extra></extra>"}


def loss_figure(history: dict, *, metric: str = "accuracy", log_y=False, best_epoch=None,
                palette=PALETTES["classic"], height=300, line_width=2,
                max_points=MAX_LINE_POINTS) -> dict:
    """Train and test loss per epoch (left) and accuracy or R^2 (right).

    ``history`` maps column names (epoch, train_loss, test_loss, train_<metric>, ...) to arrays.
    Each line keeps at most ~``max_points`` points (each bucket's lowest and highest).
    """
    epoch = np.asarray(history["epoch"])
    line = functools.partial(_line, width=line_width, limit=max_points)
    label = METRIC_LABELS.get(metric, metric)
    data = [line("train loss", epoch, history["train_loss"], palette[0]),
            line("test loss", epoch, history["test_loss"], palette[1], "dash")]
    for split, colour, dash in (("train", palette[0], "solid"), ("test", palette[1], "dash")):
        data.append(line(f"{split} {label}", epoch, history[f"{split}_{metric}"], colour, dash,
                         "2"))
    shapes = []
    if best_epoch is not None:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": best_epoch,
                       "x1": best_epoch, "y0": 0, "y1": 1,
                       "line": {"color": "#2a9d3f", "width": 2, "dash": "dot"}})
    # The metric's axis is on its panel's right: on the left, its title and ticks would sit on
    # the ends of the loss lines of a narrow chart.
    layout = _base_layout(
        height, shapes=shapes, hovermode="x unified",
        margin={"l": 55, "r": 50, "t": 40, "b": 45},
        xaxis={"domain": [0, 0.6], "title": {"text": "epoch"}, "rangemode": "nonnegative"},
        yaxis={"title": {"text": "loss"}, "type": "log" if log_y else "linear"},
        xaxis2={"domain": [0.68, 1], "title": {"text": "epoch"}, "anchor": "y2",
                "rangemode": "nonnegative"},
        # No "range" key at all for R²: Plotly.react throws on a null range ("container is not
        # an object") on every redraw after the first, and the chart stays empty.
        yaxis2={"title": {"text": label}, "anchor": "x2", "side": "right",
                **({"range": [0, 1.02]} if metric == "accuracy" else {})},
        annotations=[] if best_epoch is None else [
            {"x": best_epoch, "y": 1, "xref": "x", "yref": "paper", "text": "best",
             "showarrow": False, "yanchor": "bottom", "font": {"color": "#2a9d3f"}}])
    return {"data": data, "layout": layout}


# -- weights and training health ----------------------------------------------------------------
def _domains(n, gap=0.04):
    width = (1 - gap * (n - 1)) / n
    return [[i * (width + gap), i * (width + gap) + width] for i in range(n)]


def _axis_key(kind, i):
    return kind if i == 0 else f"{kind}{i + 1}"


def weights_figure(weights: list, *, bins=24, palette=PALETTES["classic"], height=220) -> dict:
    """A histogram of each layer's weights, side by side (layer 1 = input to first hidden)."""
    data, layout = [], _base_layout(height, showlegend=False, bargap=0.05,
                                    margin={"l": 50, "r": 10, "t": 30, "b": 45})
    annotations = []
    for i, (W, domain) in enumerate(zip(weights, _domains(len(weights)))):
        w = np.asarray(W, np.float64).ravel()
        reach = max(float(np.abs(w).max(initial=0.0)), 1e-6)
        # Fewer bins for small layers, so a handful of weights does not look like noise.
        counts, edges = np.histogram(w, bins=min(bins, max(6, w.size // 3)), range=(-reach, reach))
        centres = ((edges[:-1] + edges[1:]) / 2).astype(np.float32)
        colours = [palette[1] if c > 0 else palette[0] for c in centres]
        data.append({"type": "bar", "x": centres, "y": counts.astype(np.int32),
                     "marker": {"color": colours}, "xaxis": f"x{i + 1}", "yaxis": f"y{i + 1}",
                     "hovertemplate": "w ≈ %{x:.3g}: %{y} weights<extra></extra>"})
        layout[_axis_key("xaxis", i)] = {"domain": domain, "anchor": f"y{i + 1}",
                                         "zeroline": True, "tickfont": {"size": 10}, "nticks": 4,
                                         "title": {"text": "weight", "font": {"size": 11}}}
        layout[_axis_key("yaxis", i)] = {"anchor": f"x{i + 1}", "showticklabels": i == 0,
                                         **({"title": {"text": "how many",
                                                       "font": {"size": 11}}} if i == 0 else {})}
        annotations.append({"text": f"layer {i + 1} ({W.shape[0]}→{W.shape[1]})",
                            "x": sum(domain) / 2, "y": 1.0, "xref": "paper", "yref": "paper",
                            "showarrow": False, "yanchor": "bottom", "font": {"size": 11}})
    layout["annotations"] = annotations
    return {"data": data, "layout": layout}


def health_figure(history: dict, *, n_layers: int, palette=PALETTES["classic"],
                  height=220, max_points=MAX_LINE_POINTS) -> dict:
    """Per-layer gradient norms (log scale, left) and dead / saturated fractions (right)."""
    epoch = np.asarray(history["epoch"])
    shades = _layer_shades(palette, n_layers)
    line = functools.partial(_line, width=1.5, limit=max_points)
    data = [line(f"‖∇ layer {i + 1}‖", epoch, history[f"grad_norm_{i + 1}"], shades[i])
            for i in range(n_layers)]
    for key, name, dash in (("dead_fraction", "dead ReLUs", "solid"),
                            ("saturated_fraction", "saturated", "dot")):
        values = np.asarray(history[key], np.float64)
        if np.isfinite(values).any():
            data.append(line(name, epoch, values, "#555", dash, "2"))
    layout = _base_layout(
        height, margin={"l": 55, "r": 50, "t": 20, "b": 45},
        xaxis={"domain": [0, 0.56], "title": {"text": "epoch"}, "rangemode": "nonnegative"},
        yaxis={"title": {"text": "gradient norm"}, "type": "log", "exponentformat": "power"},
        xaxis2={"domain": [0.66, 1], "title": {"text": "epoch"}, "anchor": "y2",
                "rangemode": "nonnegative"},
        # On its panel's right, like the loss chart's metric: not on the gradient lines.
        yaxis2={"title": {"text": "share of units"}, "anchor": "x2", "range": [0, 1],
                "side": "right"})
    return {"data": data, "layout": layout}


def _layer_shades(palette, n):
    start, end = _rgb(palette[0]), _rgb(palette[1])
    return ["#%02x%02x%02x" % tuple(int(v) for v in start + (end - start) * t)
            for t in np.linspace(0, 1, max(n, 2))]


# -- the network diagram ---------------------------------------------------------------------
def _node_positions(sizes):
    """x = layer index; y spread evenly in [0, 1] per layer, centred."""
    most = max(sizes)
    positions = []
    for layer, n in enumerate(sizes):
        y = (np.arange(n) - (n - 1) / 2) / max(most - 1, 1) + 0.5
        positions.append(np.column_stack([np.full(n, layer, float), 1 - y]))
    return positions


def network_figure(weights: list, biases: list, *, input_names=None, output_names=None,
                   palette=PALETTES["classic"], height=360, width_scale=6.0) -> dict:
    """Neurons as nodes, weights as links: width shows |w|, colour its sign (orange +, blue -).

    Hovering a link's midpoint shows its weight; hovering a node shows its bias. With more than
    MAX_LINKS links, only the strongest are drawn (the title says so).
    """
    sizes = [weights[0].shape[0]] + [W.shape[1] for W in weights]
    pos = _node_positions(sizes)
    names = _node_names(sizes, input_names, output_names)
    links = _links(weights, pos, names)
    shown, total = len(links["w"]), sum(W.size for W in weights)
    reach = max(float(np.abs(links["w"]).max(initial=0.0)), 1e-9)
    data = _link_traces(links, reach, palette, width_scale)
    data += _network_key(palette, width_scale)
    data.append(_link_hover(links))
    data.append(_node_trace(sizes, pos, biases, names, palette))
    title = "" if shown == total else f"strongest {shown} of {total} weights shown"
    layout = _base_layout(height, title={"text": title, "x": 0.02},
                          margin={"l": 10, "r": 10, "t": 30 if title else 10, "b": 10},
                          legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0,
                                  "itemclick": False, "itemdoubleclick": False},
                          xaxis={"visible": False, "range": [-0.4, len(sizes) - 0.6]},
                          yaxis={"visible": False, "range": [-0.08, 1.08]})
    return {"data": data, "layout": layout}


def _network_key(palette, width_scale) -> list:
    """Legend entries saying what a link's colour and width (and a node's colour) mean."""
    def entry(name, colour, width):
        return {"type": "scatter", "mode": "lines", "name": name, "x": [None], "y": [None],
                "hoverinfo": "skip", "line": {"color": colour, "width": width}}
    return [entry("positive weight or bias", palette[1], 3),
            entry("negative", palette[0], 3),
            entry("thicker: larger |weight|", "#888", 0.5 + width_scale)]


def _node_names(sizes, input_names, output_names):
    """Each node's name per layer, as its hover shows it; links are named by their two ends.

    Hidden layers count from 1 (layer 1 is the first hidden layer), neurons from 1.
    """
    last = len(sizes) - 1
    names = [list(input_names) if input_names else [f"input {k + 1}" for k in range(sizes[0])]]
    for layer, n in enumerate(sizes[1:], 1):
        if layer == last:
            names.append(list(output_names) if output_names else
                         [f"output {k + 1}" for k in range(n)])
        else:
            names.append([f"layer {layer} neuron {k + 1}" for k in range(n)])
    return names


def _links(weights, pos, names):
    ends, values, labels = [], [], []
    for layer, W in enumerate(weights):
        i, j = np.meshgrid(np.arange(W.shape[0]), np.arange(W.shape[1]), indexing="ij")
        a, b = pos[layer][i.ravel()], pos[layer + 1][j.ravel()]
        ends.append(np.stack([a, b], axis=1))
        values.append(W.ravel())
        here, there = names[layer], names[layer + 1]
        labels += [f"{here[p]} → {there[q]}" for p, q in zip(i.ravel(), j.ravel())]
    ends, values = np.concatenate(ends), np.concatenate(values).astype(np.float64)
    labels = np.array(labels, dtype=object)
    if len(values) > MAX_LINKS:
        keep = np.sort(np.argsort(-np.abs(values))[:MAX_LINKS])
        ends, values, labels = ends[keep], values[keep], labels[keep]
    return {"ends": ends, "w": values, "labels": labels}


def _link_traces(links, reach, palette, width_scale, levels=4):
    """Links grouped by sign and width level: a few traces of None-separated segments."""
    traces = []
    strength = np.abs(links["w"]) / reach
    level = np.minimum((strength * levels).astype(int), levels - 1)
    for sign, colour in ((-1, palette[0]), (1, palette[1])):
        for lv in range(levels):
            pick = (np.sign(links["w"]) == sign) & (level == lv)
            if not pick.any():
                continue
            seg = links["ends"][pick]
            xy = np.full((len(seg) * 3, 2), np.nan, np.float32)
            xy[0::3], xy[1::3] = seg[:, 0], seg[:, 1]
            traces.append({"type": "scatter", "mode": "lines", "x": xy[:, 0], "y": xy[:, 1],
                           "showlegend": False,
                           "line": {"color": colour, "width": 0.5 + width_scale * (lv + 1) / levels},
                           "opacity": 0.35 + 0.6 * (lv + 1) / levels, "hoverinfo": "skip"})
    return traces


def _link_hover(links):
    mid = links["ends"].mean(axis=1).astype(np.float32)
    text = [f"{label}<br>w = {w:.4g}" for label, w in zip(links["labels"], links["w"])]
    return {"type": "scatter", "mode": "markers", "showlegend": False,
            "x": mid[:, 0], "y": mid[:, 1],
            "marker": {"size": 8, "color": "rgba(0,0,0,0)"}, "text": text,
            "hovertemplate": "%{text}<extra></extra>"}


def _node_trace(sizes, pos, biases, names, palette):
    xy = np.concatenate(pos).astype(np.float32)
    text, colours = [], []
    for layer, n in enumerate(sizes):
        for k in range(n):
            name = names[layer][k]
            if layer == 0:
                text.append(f"{name}")
                colours.append("#ffffff")
                continue
            b = float(biases[layer - 1][k])
            text.append(f"{name}<br>bias = {b:.4g}")
            colours.append(palette[1] if b > 0 else palette[0])
    return {"type": "scatter", "mode": "markers", "showlegend": False,
            "x": xy[:, 0], "y": xy[:, 1], "text": text,
            "hovertemplate": "%{text}<extra></extra>",
            "marker": {"size": 16, "color": colours, "line": {"width": 1.5, "color": "#333"}}}
