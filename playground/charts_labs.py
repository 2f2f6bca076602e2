"""Figures of the concept labs: compared runs, the loss landscape, the inside of a network, losses.

Pure functions of NumPy arrays returning figure dicts, in the style of ``playground.charts`` (no
Streamlit; arrays stay NumPy so Plotly sends them as typed arrays; sub-plots laid out by hand).
The one computing helper, ``loss_explorer_curves``, reads the engine's loss table so the explorer
shows exactly the functions the trainer uses.

Left out: animation frames (the pages redraw instead) and anything that needs a callback.
"""

from __future__ import annotations

import base64
import re
from types import MappingProxyType

import numpy as np

from playground.charts import boundary_rgba
from playground.charts_image import encode_png, heatmap_image
from playground.display import PALETTES
from playground.losses import LOSSES, hinge

RUN_COLOURS = MappingProxyType({
    # d3's category10, and Okabe and Ito's eight colour-blind-safe colours.
    "classic": ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                "#17becf"),
    "colorblind": ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#000000",
                   "#f0e442"),
})
DIVERGED_COLOUR = "#c0392b"
LOG_RATIO = 10  # a landscape whose loss spans more than this factor is coloured by log(loss)
PATH_COLOUR = "#111111"


def run_colours(palette) -> tuple:
    """The line colours of compared runs that go with a class palette."""
    return RUN_COLOURS["colorblind" if tuple(palette) == PALETTES["colorblind"] else "classic"]


def _layout(height, **extra):
    layout = {"height": height, "margin": {"l": 50, "r": 20, "t": 36, "b": 40},
              "legend": {"orientation": "h", "y": -0.15, "x": 0}, "hovermode": "closest"}
    layout.update(extra)
    return layout


def _title(text: str) -> dict:
    # plotly.js 3 (Plotly 7) reads only {"text": ...}: a bare string title is silently dropped.
    return {"text": text}


def _scene_title(text: str) -> dict:
    """A 3-D axis title kept short: "(38% of the spread)" becomes "(38%)". Long ones ran into
    each other and off the scene; the page's caption says what the share is of."""
    return _title(re.sub(r"\((\d+%) of the [^)]*\)", r"(\1)", text))


# The camera a little further out than plotly's default, so that the axis titles fit.
SCENE_EYE = {"x": 1.7, "y": -1.7, "z": 1.2}
# The warped plane's cube, nearer, for wide charts (projector mode): from SCENE_EYE it filled a
# third of a 1280-pixel screen's width.
WARP_EYE = {"x": 1.5, "y": -1.5, "z": 1.05}


def _png(rgba) -> str:
    return "data:image/png;base64," + base64.b64encode(encode_png(rgba)).decode("ascii")


def _diverging(palette):
    return [[0.0, palette[0]], [0.5, "#f7f7f7"], [1.0, palette[1]]]


def _f32(values):
    return np.asarray(values, np.float32)


# -- compared runs -------------------------------------------------------------------------------
R2_FLOOR = -1.0  # lowest R^2 the comparison chart shows (the mean predicts 0, worse is < 0)
LOG_DECADES = 1e6  # a log loss axis reaches at most this far below its top (float32 noise)


def overlay_figure(runs: list, *, metric: str = "loss", log_y: bool = False,
                   target: float | None = None, height: int = 340, y_title: str = "") -> dict:
    """One line per run over epochs, diverged runs ending in a labelled cross.

    Parameters
    ----------
    runs : list of dict
        ``label``, ``epoch`` and ``values`` (arrays), ``colour``, and optionally ``dash`` and
        ``diverged_at`` (the epoch at which the run diverged, or None).
    metric : 'loss', 'accuracy' or 'r2'
        Decides the y range: losses are cut at twice the largest starting loss, so one exploding
        run does not flatten the others; accuracy runs over [0, 1].
    target : draw a dotted line at this loss.
    """
    data, tops, lows = [], [], []
    for run in runs:
        epoch, values = np.asarray(run["epoch"]), np.asarray(run["values"], np.float64)
        # A run at epoch 0 has one point, which a line alone would not draw.
        data.append({"type": "scatter", "mode": "lines" if len(epoch) > 1 else "markers",
                     "name": run["label"],
                     "x": epoch.astype(np.int32), "y": _f32(values),
                     "line": {"color": run["colour"], "width": 2, "dash": run.get("dash", "solid")},
                     "legendgroup": run["label"],
                     "hovertemplate": f"{run['label']}<br>epoch %{{x}}: %{{y:.4g}}<extra></extra>"})
        finite = values[np.isfinite(values)]
        if finite.size:
            tops.append(finite[0])
            lows.append(finite[finite > 0].min() if (finite > 0).any() else np.nan)
    cap = 2.0 * max(tops) if tops else 1.0
    # R^2 of an exploding run falls to -1e34: below R2_FLOOR the chart would flatten the others.
    bounds = (None, cap) if metric == "loss" else (R2_FLOOR, None) if metric == "r2" else None
    for run in runs:
        if run.get("diverged_at") is not None and len(run["values"]):
            data.append(_diverged_mark(run, bounds))
    yaxis = {"title": _title(y_title or metric)}
    if metric == "loss":
        if log_y:
            low = np.nanmin(lows) if lows and np.isfinite(lows).any() else cap / 1e3
            if target is not None:
                low = min(low, target / 1.5)  # the target line stays on the chart
            yaxis.update(type="log", **_log_ticks(max(low, cap / LOG_DECADES), cap))
        else:
            yaxis["range"] = [0, cap]
    elif metric == "accuracy":
        yaxis["range"] = [0, 1.02]
    elif metric == "r2":
        lowest = min((np.nanmin(v) for v in (np.asarray(r["values"], np.float64)
                                             for r in runs) if np.isfinite(v).any()), default=0)
        yaxis["range"] = [max(min(lowest, 0.0), R2_FLOOR) - 0.02, 1.02]
    shapes = []
    if target is not None and metric == "loss":
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": target,
                       "y1": target, "line": {"color": "#555", "dash": "dot", "width": 1}})
    legend = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}
    return {"data": data, "layout": _layout(height, xaxis={"title": _title("epoch")}, yaxis=yaxis,
                                            shapes=shapes, hovermode="x unified", legend=legend,
                                            margin={"l": 60, "r": 20, "t": 50, "b": 45})}


def _log_ticks(low, high) -> dict:
    """A log axis's range and labelled ticks 1, 2, 5 x 10^k (plain powers of ten past four
    decades), written out in full: plotly's own digit labels read "5" for 0.5."""
    lo, hi = np.log10(low) - 0.1, np.log10(high)
    steps = (1, 2, 5) if hi - lo <= 4 else (1,)
    values = [m * 10.0 ** k for k in range(int(np.floor(lo)), int(np.ceil(hi)) + 1)
              for m in steps if lo <= np.log10(m * 10.0 ** k) <= hi]
    return {"range": [lo, hi], "tickvals": values, "ticktext": [f"{v:g}" for v in values]}


def _diverged_mark(run, bounds):
    y = float(run["values"][-1])
    floor, cap = bounds or (None, None)
    if cap is not None and not y <= cap:  # off the chart (or not finite): put it on the edge
        y = cap
    if floor is not None and not y >= floor:
        y = floor
    return {"type": "scatter", "mode": "markers+text", "x": [int(run["epoch"][-1])], "y": [y],
            "text": [f"diverged at {run['diverged_at']}"], "textposition": "bottom right",
            "textfont": {"color": DIVERGED_COLOUR}, "showlegend": False,
            "legendgroup": run["label"], "name": run["label"], "hoverinfo": "skip",
            "marker": {"symbol": "x", "size": 12, "color": DIVERGED_COLOUR,
                       "line": {"width": 2, "color": DIVERGED_COLOUR}}}


def _grid_domains(n, columns, gap=0.04, vgap=0.12):
    """(x domain, y domain) per panel, filled row by row from the top."""
    rows = -(-n // columns)
    width = (1 - gap * (columns - 1)) / columns
    height = (1 - vgap * (rows - 1)) / rows
    out = []
    for k in range(n):
        r, c = divmod(k, columns)
        x0, y1 = c * (width + gap), 1 - r * (height + vgap)
        # Rounded and clipped: float sums like 1 - 2 * 0.5 can land a hair below 0.
        out.append(([round(x0, 6), min(round(x0 + width, 6), 1.0)],
                    [max(round(y1 - height, 6), 0.0), round(y1, 6)]))
    return out


def boundary_grid_figure(panels: list, *, task: str, palette=PALETTES["classic"], columns=4,
                         row_height=230, zrange=(-1, 1)) -> dict:
    """Small decision-boundary maps side by side, one per run, the training points on each.

    Parameters
    ----------
    panels : list of dict
        ``title``, ``xs``, ``ys``, ``values`` (a ``Trainer.grid``), ``points`` ((X, y) in plane
        coordinates, or None), ``colour`` (of the title), and optionally ``note`` (e.g.
        "diverged at 12", shown in red under the title) and ``task`` (when it is not ``task``:
        a pinned run may come from other data).
    """
    columns = max(1, min(columns, len(panels)))
    rows = -(-len(panels) // columns) if panels else 1
    data, images, annotations = [], [], []
    layout = _layout(rows * row_height + 30, showlegend=False,
                     margin={"l": 10, "r": 10, "t": 40, "b": 10})
    for k, (panel, (xd, yd)) in enumerate(zip(panels, _grid_domains(len(panels), columns))):
        ax = "" if k == 0 else str(k + 1)
        xs, ys, kind = panel["xs"], panel["ys"], panel.get("task", task)
        images.append({"source": _png(boundary_rgba(panel["values"], kind, palette,
                                                    zrange=zrange)),
                       "xref": f"x{ax}", "yref": f"y{ax}", "x": float(xs[0]), "y": float(ys[-1]),
                       "sizex": float(xs[-1] - xs[0]), "sizey": float(ys[-1] - ys[0]),
                       "sizing": "stretch", "layer": "below"})
        layout[f"xaxis{ax}"] = {"domain": xd, "anchor": f"y{ax}", "visible": False,
                                "range": [float(xs[0]), float(xs[-1])]}
        layout[f"yaxis{ax}"] = {"domain": yd, "anchor": f"x{ax}", "visible": False,
                                "range": [float(ys[0]), float(ys[-1])]}
        if panel.get("points") is not None:
            data.append(_panel_points(panel["points"], kind, palette, ax, zrange))
        text = f"<b>{panel['title']}</b>"
        if panel.get("note"):
            text += f"<br><span style='color:{DIVERGED_COLOUR}'>{panel['note']}</span>"
        annotations.append({"text": text, "x": sum(xd) / 2, "y": yd[1], "xref": "paper",
                            "yref": "paper", "showarrow": False, "yanchor": "bottom",
                            "xanchor": "center",
                            "font": {"size": 12, "color": panel.get("colour", "#333")}})
    layout.update(images=images, annotations=annotations)
    return {"data": data, "layout": layout}


def _panel_points(points, task, palette, ax, zrange):
    X, y = np.asarray(points[0], np.float32), np.asarray(points[1])
    if task == "regression":
        colour = {"color": _f32(y), "colorscale": _diverging(palette), "cmin": zrange[0],
                  "cmax": zrange[1]}
    else:
        colour = {"color": [palette[int(c) % len(palette)] for c in y]}
    return {"type": "scattergl", "mode": "markers", "x": X[:, 0], "y": X[:, 1],
            "xaxis": f"x{ax}", "yaxis": f"y{ax}", "hoverinfo": "skip",
            "marker": {**colour, "size": 4, "line": {"width": 0.5, "color": "white"}}}


# -- the loss landscape ----------------------------------------------------------------------------
def landscape_figure(xs, ys, loss, *, path=None, path_loss=None, path_labels=None,
                     axis_titles=("a", "b"), kind="contour", height=520, title="",
                     mark_lowest=False, centre_label=None) -> dict:
    """The loss over a plane as contours (or a 3-D surface), with a path drawn on it.

    Parameters
    ----------
    xs, ys : grid coordinates; loss : (len(ys), len(xs)) values (NaN: not computed; inf allowed)
    path : (k, 2) coordinates of the path, oldest first; path_loss : (k,) the loss at each point
        (hover, and the height of the path over a surface); path_labels : (k,) hover labels
    kind : 'contour' or 'surface'
    mark_lowest : mark the grid's lowest point
    centre_label : mark (0, 0) with this hover label (the weights the slice is centred on)

    Colours follow log10(loss) when the values span more than a factor of LOG_RATIO (steep walls
    would otherwise leave the whole valley one colour); hover always shows the loss itself.
    """
    loss = np.asarray(loss, np.float64)
    shown = np.where(np.isfinite(loss), loss, np.nan)
    finite = shown[np.isfinite(shown)]
    log = finite.size > 0 and finite.min() > 0 and finite.max() / finite.min() > LOG_RATIO
    if kind == "surface":
        data = [_surface(xs, ys, shown)]
        if path is not None:
            data.append(_path_3d(path, path_loss, path_labels))
        scene = {"xaxis": {"title": _scene_title(axis_titles[0])},
                 "yaxis": {"title": _scene_title(axis_titles[1])},
                 "zaxis": {"title": _title("loss")}, "camera": {"eye": SCENE_EYE}}
        return {"data": data, "layout": _layout(height, scene=scene, title={"text": title,
                                                                               "x": 0.02})}
    data = [_contour(xs, ys, shown, finite, log)]
    if path is not None:
        data += _path_2d(path, path_loss, path_labels)
    if centre_label is not None:
        data.append({"type": "scatter", "mode": "markers", "name": centre_label, "x": [0.0],
                     "y": [0.0], "hovertemplate": f"{centre_label}<extra></extra>",
                     "marker": {"symbol": "cross-thin", "size": 16,
                                "line": {"width": 2, "color": "#111"}}})
    if mark_lowest and finite.size:
        j, i = np.unravel_index(np.nanargmin(shown), shown.shape)
        data.append({"type": "scatter", "mode": "markers", "name": "lowest on this grid",
                     "x": [float(xs[i])], "y": [float(ys[j])],
                     "hovertemplate": f"lowest on this grid: {shown[j, i]:.4g}<extra></extra>",
                     "marker": {"symbol": "diamond", "size": 12, "color": "white",
                                "line": {"width": 2, "color": "#111"}}})
    # Room below for the tick labels and the axis title, which projector mode's larger type
    # ran together in 40 pixels.
    margin = {"l": 50, "r": 20, "t": 36 if title else 16, "b": 50}
    layout = _layout(height, title={"text": title, "x": 0.02}, margin=margin,
                     xaxis={"title": _title(axis_titles[0]),
                            "range": [float(xs[0]), float(xs[-1])]},
                     yaxis={"title": _title(axis_titles[1]),
                            "range": [float(ys[0]), float(ys[-1])]})
    return {"data": data, "layout": layout}


def _contour(xs, ys, shown, finite, log):
    z = np.log10(np.maximum(shown, 1e-30)) if log else shown
    trace = {"type": "contour", "x": _f32(xs), "y": _f32(ys), "z": _f32(z),
             "customdata": _f32(shown), "colorscale": "Viridis", "ncontours": 24,
             "contours": {"coloring": "heatmap", "showlines": True},
             "line": {"width": 0.5, "color": "rgba(255,255,255,0.5)"},
             "hovertemplate": "(%{x:.3g}, %{y:.3g})<br>loss %{customdata:.4g}<extra></extra>",
             "colorbar": {"title": {"text": "loss"}, "len": 0.9}}
    if log and finite.size:
        ticks = _nice_ticks(finite.min(), finite.max())
        trace["colorbar"].update(tickvals=np.log10(ticks).tolist(),
                                 ticktext=[f"{t:g}" for t in ticks])
    return trace


def _nice_ticks(low, high):
    """1-2-5 steps of each decade between low and high (positive numbers); past four decades
    powers of ten only, and past eight every n-th power (a run that blew up spans dozens)."""
    first, last = int(np.floor(np.log10(low))), int(np.ceil(np.log10(high)))
    every = max(1, -(-(last - first) // 8))
    decades = range(first, last + 1, every)
    steps = (1, 2, 5) if last - first <= 4 else (1,)
    ticks = [m * 10.0 ** d for d in decades for m in steps]
    inside = [t for t in ticks if low <= t <= high]
    return np.array(inside if len(inside) >= 2 else [low, high])


def _surface(xs, ys, shown):
    return {"type": "surface", "x": _f32(xs), "y": _f32(ys), "z": _f32(shown),
            "customdata": _f32(shown), "colorscale": "Viridis", "showscale": False,
            "opacity": 0.9,
            "hovertemplate": "(%{x:.3g}, %{y:.3g})<br>loss %{customdata:.4g}<extra></extra>"}


def _path_2d(path, path_loss, labels):
    path = np.asarray(path, np.float32)
    labels = list(labels) if labels is not None else [str(k) for k in range(len(path))]
    losses = _f32(path_loss) if path_loss is not None else np.full(len(path), np.nan, np.float32)
    hover = "%{text}<br>(%{x:.3g}, %{y:.3g})<br>loss %{customdata:.4g}<extra></extra>"
    line = {"type": "scatter", "mode": "lines+markers", "name": "training path", "x": path[:, 0],
            "y": path[:, 1], "text": labels, "customdata": losses, "hovertemplate": hover,
            "line": {"color": PATH_COLOUR, "width": 2},
            "marker": {"size": 4, "color": "white", "line": {"width": 1, "color": PATH_COLOUR}}}
    ends = {"type": "scatter", "mode": "markers+text", "name": "start / now",
            "x": path[[0, -1], 0], "y": path[[0, -1], 1], "text": ["start", "now"],
            "textposition": ["bottom center", "top center"], "customdata": losses[[0, -1]],
            "hovertemplate": hover, "textfont": {"color": "white", "size": 13},
            "marker": {"size": [11, 14], "symbol": ["circle", "star"],
                       "color": ["white", "#ffd400"], "line": {"width": 1.5, "color": "#111"}}}
    return [line, ends]


def _path_3d(path, path_loss, labels):
    path = np.asarray(path, np.float32)
    z = _f32(path_loss) if path_loss is not None else np.zeros(len(path), np.float32)
    return {"type": "scatter3d", "mode": "lines+markers", "name": "training path",
            "x": path[:, 0], "y": path[:, 1], "z": z,
            "text": list(labels) if labels is not None else None,
            "line": {"color": PATH_COLOUR, "width": 5},
            "marker": {"size": 2.5, "color": PATH_COLOUR},
            "hovertemplate": "%{text}<br>loss %{z:.4g}<extra></extra>"}


# -- inside the network ----------------------------------------------------------------------------
def thumbnails_figure(rows: list, *, palette=PALETTES["classic"], cell_px=None,
                      max_columns=16) -> dict:
    """Small heatmaps, one per neuron, of each neuron's output over the input plane.

    Parameters
    ----------
    rows : list of dict, one per layer (top to bottom)
        ``label`` (e.g. "layer 1 · tanh"), ``values`` (units, len(ys), len(xs)) over a plane
        grid with ys ascending (each image puts row 0 at the bottom),
        ``zrange`` (low, high) mapped to blue .. white .. orange, and ``hover`` (one text per
        unit). At most ``max_columns`` units per row are drawn; the label says how many.
    cell_px : height of a thumbnail row; default: as large as ~1000 px of width allows (<= 100).

    All thumbnails share one pair of axes: thumbnail (r, k) covers [k*1.15, k*1.15 + 1] x
    [-r*1.3 - 1, -r*1.3], so a figure with a hundred neurons is still one light plot.
    """
    step, drop, images, annotations = 1.15, 1.3, [], []
    hx, hy, htext = [], [], []
    width = min(max((r["values"].shape[0] for r in rows), default=1), max_columns)
    cell_px = cell_px or min(100, int(1000 / (width * step)))
    for r, row in enumerate(rows):
        values, (low, high) = row["values"], row["zrange"]
        shown = min(len(values), max_columns)
        top = -r * drop
        for k in range(shown):
            url = heatmap_image(values[k], _diverging(palette), low, high)
            images.append({"source": url, "xref": "x", "yref": "y", "x": k * step, "y": top,
                           "sizex": 1.0, "sizey": 1.0, "sizing": "stretch", "layer": "below"})
            hx.append(k * step + 0.5)
            hy.append(top - 0.5)
            htext.append(row["hover"][k])
        more = f" (first {shown} of {len(values)})" if shown < len(values) else ""
        annotations.append({"text": row["label"] + more, "x": -0.05, "y": top + 0.02,
                            "xref": "x", "yref": "y", "showarrow": False, "xanchor": "left",
                            "yanchor": "bottom", "font": {"size": 11}})
    hover = {"type": "scatter", "mode": "markers", "x": _f32(hx), "y": _f32(hy), "text": htext,
             "hovertemplate": "%{text}<extra></extra>", "showlegend": False,
             "marker": {"size": 30, "color": "rgba(0,0,0,0)", "symbol": "square"}}
    right = max(width * step - 0.15, 1.0)
    bottom = -(len(rows) - 1) * drop - 1.0
    layout = _layout(len(rows) * (cell_px * drop) + 30, showlegend=False, images=images,
                     annotations=annotations, margin={"l": 5, "r": 5, "t": 20, "b": 5},
                     xaxis={"visible": False, "range": [-0.05, right + 0.05],
                            "fixedrange": True},
                     yaxis={"visible": False, "range": [bottom - 0.05, 0.3],
                            "scaleanchor": "x", "scaleratio": 1, "fixedrange": True})
    return {"data": [hover], "layout": layout}


def warped_figure(lines, points, labels, *, task: str, palette=PALETTES["classic"],
                  axis_titles=("h1", "h2"), boundary=None, height=460, title="",
                  zrange=(-1, 1), eye=SCENE_EYE) -> dict:
    """The input plane as a hidden layer sees it: grid lines and data mapped into its space.

    Parameters
    ----------
    lines : (m, k, dims) array, m grid lines of the input plane, each k points, mapped
    points : (n, dims) the data mapped; labels : (n,) classes (or targets)
    dims : 2 draws a plane, 3 a 3-D scene (from the arrays' last axis)
    boundary : optional (w, b) with w of shape (2,): the straight line w . h + b = 0 the
        next (output) layer draws in this 2-D space.
    eye : the 3-D camera. Plotly fits a scene to its height, so a nearer one (WARP_EYE) fills
        a wide chart but cuts the sides off a chart narrower than it is tall (a phone's).
    """
    lines, points = np.asarray(lines, np.float32), np.asarray(points, np.float32)
    dims = lines.shape[-1]
    # All grid lines as one trace: NaN rows between the lines break the polyline.
    gaps = np.full((lines.shape[0], 1, dims), np.nan, np.float32)
    flat = np.concatenate([lines, gaps], axis=1).reshape(-1, dims)
    line = {"mode": "lines", "name": "grid of the input plane", "hoverinfo": "skip",
            "line": {"color": "rgba(90,90,90,0.55)", "width": 1}}
    if task == "regression":
        marker = {"color": _f32(labels), "colorscale": _diverging(palette), "cmin": zrange[0],
                  "cmax": zrange[1]}
    else:
        marker = {"color": [palette[int(c) % len(palette)] for c in labels]}
    dots = {"mode": "markers", "name": "training points", "hoverinfo": "skip",
            "marker": {**marker, "size": 5 if dims == 2 else 3,
                       "line": {"width": 0.5, "color": "white"}}}
    if dims == 3:
        data = [{"type": "scatter3d", **line, "x": flat[:, 0], "y": flat[:, 1], "z": flat[:, 2]},
                {"type": "scatter3d", **dots, "x": points[:, 0], "y": points[:, 1],
                 "z": points[:, 2]}]
        # Few, small tick labels: larger ones (projector mode's) piled onto the axis titles.
        scene = {name: {"title": _scene_title(text), "nticks": 4, "tickfont": {"size": 11}}
                 for name, text in zip(("xaxis", "yaxis", "zaxis"), axis_titles)}
        scene["camera"] = {"eye": eye}
        # True proportions, but no axis under half the longest: a direction with 1 % of the
        # spread drew a flat pancake whose tick labels and title piled up on each other.
        spread = np.nanmax(flat, axis=0) - np.nanmin(flat, axis=0) + 1e-9
        ratio = np.maximum(spread / spread.max(), 0.5)
        scene["aspectmode"] = "manual"
        scene["aspectratio"] = {name: float(r) for name, r in zip("xyz", ratio)}
        # The scene fills the figure: narrow margins, the key above it.
        return {"data": data, "layout": _layout(
            height, scene=scene, title={"text": title, "x": 0.02},
            margin={"l": 0, "r": 0, "t": 36 if title else 0, "b": 10},
            legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"})}
    data = [{"type": "scatter", **line, "x": flat[:, 0], "y": flat[:, 1]},
            {"type": "scattergl", **dots, "x": points[:, 0], "y": points[:, 1]}]
    reach = np.nanmax(np.abs(np.concatenate([flat, points])), axis=0) * 1.05 + 1e-6
    if boundary is not None:
        data.append(_straight_line(*boundary, reach))
    layout = _layout(height, title={"text": title, "x": 0.02},
                     xaxis={"title": _title(axis_titles[0]), "range": [-reach[0], reach[0]],
                            "zeroline": False},
                     yaxis={"title": _title(axis_titles[1]), "range": [-reach[1], reach[1]],
                            "zeroline": False})
    return {"data": data, "layout": layout}


def _straight_line(w, b, reach):
    """The segment of w . h + b = 0 inside the box |h_i| <= reach_i."""
    w = np.asarray(w, np.float64)
    if abs(w[1]) >= abs(w[0]):
        x = np.array([-reach[0], reach[0]])
        y = -(b + w[0] * x) / (w[1] or 1e-12)
    else:
        y = np.array([-reach[1], reach[1]])
        x = -(b + w[1] * y) / (w[0] or 1e-12)
    return {"type": "scatter", "mode": "lines", "name": "output layer's boundary",
            "x": _f32(x), "y": _f32(y), "hoverinfo": "skip",
            "line": {"color": "#111", "width": 2, "dash": "dash"}}


# -- the loss functions ----------------------------------------------------------------------------
EXPLORER_LABELS = MappingProxyType({"mse": "Mean squared error", "bce": "Cross-entropy",
                                    "hinge": "Hinge (for contrast)"})


def loss_explorer_curves(y: int, p: np.ndarray) -> dict:
    """For a true label ``y`` and predicted probabilities ``p``: each loss, dL/dp and dL/dz.

    ``z`` is the output neuron's input (p = sigmoid(z)), so dL/dz = dL/dp * p (1 - p): the
    gradient that reaches the weights. MSE and cross-entropy come from the engine's loss table
    (one sample each, so the batch mean is the per-sample value). Hinge takes the neuron's input
    z as the score, as a support vector machine does: the engine's ``hinge``, max(0, 1 - s z)
    with s = 2y - 1. Its derivative is the sub-gradient -s inside
    the margin and 0 past it (p >= 0.73 for y = 1).

    Returns
    -------
    dict name -> (loss, dL/dp, dL/dz), arrays shaped like ``p``.
    """
    p = np.asarray(p, np.float64).reshape(-1, 1)
    Y = np.full_like(p, float(y))
    n, slope = len(p), p[:, 0] * (1 - p[:, 0])
    curves = {}
    for name in ("mse", "bce"):
        loss = LOSSES[name]
        value = np.array([loss.value(p[i:i + 1], Y[i:i + 1]) for i in range(n)])
        grad = loss.gradient(p, Y)[:, 0] * n  # the table's gradient is of the batch mean
        curves[name] = (value, grad, grad * slope)
    z = np.log(p) - np.log1p(-p)
    value = hinge(z, Y)[:, 0]
    dz = np.where(value > 0, -(2.0 * float(y) - 1), 0.0)
    curves["hinge"] = (value, dz / slope, dz)
    return curves


EXPLORER_TITLES = ("the loss", "dL/dp: its slope in p", "dL/dz: reaches the weights")


def loss_explorer_figures(x, curves: dict, *, x_title="predicted probability p of class 1",
                          marker=None, colours=RUN_COLOURS["classic"], height=300) -> list:
    """Three figures over ``x``: the loss, its gradient dL/dp, and dL/dz, one line per loss.

    Three figures, not three panels of one: side by side on a wide page, one under another on
    a phone (the page puts them in stacking columns), where three panels in one figure ran
    their titles into each other. No legend: the page draws one key for all three
    (``explorer_key_html``). ``marker``: an x value to mark with a vertical line (the value the
    learner picked).
    """
    x = _f32(x)
    # dL/dp runs to -1/p: the axis reaches the marked point's values (the table's), up to 1e3.
    reach = 12.0
    if marker is not None:
        at = [abs(float(np.interp(marker, x, values[1]))) for values in curves.values()]
        reach = min(max(reach, 1.15 * max(at, default=0.0)), 1e3)
    ranges = ([0, 5], [-reach, reach], [-1.1, 1.1])
    figures = []
    for panel, (title, yrange) in enumerate(zip(EXPLORER_TITLES, ranges)):
        data = [{"type": "scatter", "mode": "lines", "name": EXPLORER_LABELS[name], "x": x,
                 "y": _f32(np.clip(values[panel], -1e3, 1e3)),
                 "line": {"color": colour, "width": 2.5},
                 "hovertemplate": f"{EXPLORER_LABELS[name]}: %{{y:.4g}}<extra></extra>"}
                for (name, values), colour in zip(curves.items(), colours)]
        layout = _layout(height, hovermode="x unified", showlegend=False,
                         margin={"l": 45, "r": 10, "t": 36, "b": 45},
                         title={"text": f"<b>{title}</b>", "x": 0.5, "xanchor": "center"},
                         xaxis={"title": _title(x_title)},
                         yaxis={"range": yrange, "zeroline": True})
        if marker is not None:
            layout["shapes"] = [{"type": "line", "xref": "x", "yref": "paper", "x0": marker,
                                 "x1": marker, "y0": 0, "y1": 1,
                                 "line": {"color": "#555", "dash": "dot", "width": 1}}]
        figures.append({"data": data, "layout": layout})
    return figures


def explorer_key_html(colours=RUN_COLOURS["classic"]) -> str:
    """The three figures' one key, as HTML: a coloured line before each loss's name. Page text
    wraps to any width, where a Plotly legend above three narrow panels did not."""
    items = [f'<span style="white-space: nowrap; margin-right: 1.2em;"><span style="display: '
             f'inline-block; width: 1.6em; height: 0.2em; vertical-align: middle; margin-right: '
             f'0.4em; background: {colour};"></span>{label}</span>'
             for label, colour in zip(EXPLORER_LABELS.values(), colours)]
    return "<div>" + "".join(items) + "</div>"


# -- replay ----------------------------------------------------------------------------------------
def with_epoch_marker(figure: dict, epoch: int, colour="#c0392b") -> dict:
    """A copy of a ``charts.loss_figure`` with a vertical line at ``epoch`` on both panels."""
    layout = dict(figure["layout"])
    shapes = list(layout.get("shapes", []))
    for ref in ("x", "x2"):
        shapes.append({"type": "line", "xref": ref, "yref": "paper", "x0": epoch, "x1": epoch,
                       "y0": 0, "y1": 1, "line": {"color": colour, "width": 2}})
    layout["shapes"] = shapes
    return {"data": figure["data"], "layout": layout}
