"""Inside the network: what every neuron computes over the input plane, and how a layer bends it.

Two views for the "Inside the network" page, computed from a Trainer (figures are drawn by
``charts_labs``):

- every layer's activations over a grid of the plane of the first two raw features
  (``layers_on_plane``), with the colour range and hover text of each picture
  (``thumbnail_rows``);
- the plane's straight grid lines and the training points as one hidden layer sees them
  (``warp``): in the layer's own coordinates when it has as many neurons as the view has
  dimensions, else projected onto the directions in which the training points spread most (PCA).

Any further raw features (a table's) are held at their training median (``Trainer.plane_inputs``).
"""

from __future__ import annotations

import numpy as np

THUMB_RESOLUTION = 40
LINES = 13  # grid lines of the input plane per direction, in the warped view
LINE_POINTS = 80

ZRANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0)}
"""Fixed colour ranges, so a thumbnail's colours mean the same at every epoch; other activations
(ReLU, linear ...) are unbounded and use +-(the layer's largest |output|)."""


def layers_on_plane(trainer, resolution=THUMB_RESOLUTION):
    """xs, ys and, per layer, its activations over the plane: (units, len(ys), len(xs)) each."""
    left, right, bottom, top = trainer.plane_bounds()
    xs, ys = np.linspace(left, right, resolution), np.linspace(bottom, top, resolution)
    gx, gy = np.meshgrid(xs, ys)
    inputs = trainer.plane_inputs(np.column_stack([gx.ravel(), gy.ravel()]))
    outs = trainer.model.forward_layers(inputs)
    return xs, ys, [a.T.reshape(-1, resolution, resolution) for _, a in outs]


def output_names(trainer) -> list[str]:
    if trainer.task == "multiclass":
        return [f"P({c})" for c in trainer.dataset.class_names]
    return ["P(class 1)" if trainer.task == "binary" else "prediction"]


def thumbnail_rows(trainer, values) -> list[dict]:
    """The rows of ``charts_labs.thumbnails_figure``: each hidden layer, then the output."""
    model, rows = trainer.model, []
    for i, acts in enumerate(values):
        last = i == len(values) - 1
        kind = trainer.output_name if last else trainer.config.activation
        reach = float(np.abs(acts).max()) or 1.0
        zrange = ZRANGES.get(kind, (-reach, reach))
        names = output_names(trainer) if last else [f"neuron {k + 1}" for k in range(len(acts))]
        label = "output" if last else f"layer {i + 1} · {kind}"
        bias = model.biases[i]
        rows.append({"label": label, "values": acts, "zrange": zrange,
                     "hover": [f"{label}, {names[k]}<br>bias {float(bias[k]):.3g}<br>"
                               f"output from {acts[k].min():.3g} to {acts[k].max():.3g}"
                               for k in range(len(acts))]})
    return rows


def plane_lines(bounds, lines=LINES, points=LINE_POINTS) -> np.ndarray:
    """(2 * lines * points, 2): ``lines`` vertical then ``lines`` horizontal lines of the plane."""
    left, right, bottom, top = bounds
    t = np.linspace(0, 1, points)
    verticals = [np.column_stack([np.full_like(t, x), bottom + (top - bottom) * t])
                 for x in np.linspace(left, right, lines)]
    horizontals = [np.column_stack([left + (right - left) * t, np.full_like(t, y)])
                   for y in np.linspace(bottom, top, lines)]
    return np.concatenate(verticals + horizontals)


def warp(trainer, layer: int, dims: int):
    """The plane's grid lines and the training points as hidden layer ``layer`` (0-based) sees them.

    A layer of exactly ``dims`` neurons is drawn in its own coordinates; a wider one is projected
    onto the ``dims`` directions along which the training points' activations vary most (PCA).

    Returns
    -------
    lines : (2 * LINES, LINE_POINTS, dims); points : (n_train, dims); axis titles; and the output
    layer's straight boundary (w, b) when this is the last hidden layer, its width is 2, and the
    task is binary (else None).
    """
    model = trainer.model
    grid = trainer.plane_inputs(plane_lines(trainer.plane_bounds()))
    lines = model.forward_layers(grid)[layer][1].astype(np.float64)
    points = model.forward_layers(trainer.X_train)[layer][1].astype(np.float64)
    width = points.shape[1]
    if width == dims:
        titles = tuple(f"neuron {k + 1}" for k in range(dims))
    else:
        mean = points.mean(axis=0)
        _, s, vt = np.linalg.svd(points - mean, full_matrices=False)
        share = s ** 2 / max(np.sum(s ** 2), 1e-300)
        lines, points = (lines - mean) @ vt[:dims].T, (points - mean) @ vt[:dims].T
        titles = tuple(f"direction {k + 1} ({share[k]:.0%} of the spread)" for k in range(dims))
    boundary = None
    if width == dims == 2 and layer == model.n_layers - 2 and trainer.task == "binary":
        boundary = (model.weights[-1][:, 0].astype(np.float64), float(model.biases[-1][0]))
    return lines.reshape(2 * LINES, LINE_POINTS, dims), points, titles, boundary


def colour_range(trainer) -> tuple:
    """The colour range of the training points: +-1 for classes, +-(largest |target|) else."""
    y = trainer.dataset.y_train
    reach = float(np.abs(y).max()) if trainer.task == "regression" else 1.0
    return (-reach, reach)
