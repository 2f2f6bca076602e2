"""Figures of the labs: valid Plotly figures that carry the numbers they claim to show."""


import numpy as np
import plotly.graph_objects as go
import pytest

from playground import charts_labs
from playground.charts import PALETTES
from page_support import png_pixels


def _valid(fig):
    go.Figure(fig)  # raises on any property Plotly does not know
    return fig


# -- compared runs -------------------------------------------------------------------------------
def _runs():
    epoch = np.arange(6)
    return [{"label": "calm", "epoch": epoch, "values": np.linspace(0.7, 0.2, 6),
             "colour": "#111111"},
            {"label": "wild", "epoch": epoch[:4], "values": np.array([0.7, 3.0, 80.0, 1e9]),
             "colour": "#222222", "diverged_at": 4}]


def test_overlay_draws_every_run_and_marks_the_diverged_one():
    fig = _valid(charts_labs.overlay_figure(_runs(), metric="loss", target=0.3))
    lines = [t for t in fig["data"] if t["mode"] == "lines"]
    assert [t["name"] for t in lines] == ["calm", "wild"]
    np.testing.assert_allclose(lines[0]["y"], np.linspace(0.7, 0.2, 6), rtol=1e-6)
    mark = [t for t in fig["data"] if t["mode"] == "markers+text"]
    assert len(mark) == 1 and mark[0]["text"] == ["diverged at 4"]
    # The y axis stops at twice the largest starting loss: the explosion does not flatten the
    # calm run, and the cross sits on the edge instead of off the chart.
    assert fig["layout"]["yaxis"]["range"] == [0, pytest.approx(1.4)]
    assert mark[0]["y"] == [pytest.approx(1.4)]
    assert fig["layout"]["shapes"][0]["y0"] == 0.3


def test_overlay_on_a_log_scale_and_for_accuracy():
    log = _valid(charts_labs.overlay_figure(_runs(), log_y=True))
    assert log["layout"]["yaxis"]["type"] == "log"
    assert log["layout"]["yaxis"]["range"][1] == pytest.approx(np.log10(1.4))
    acc = _valid(charts_labs.overlay_figure(_runs()[:1], metric="accuracy"))
    assert acc["layout"]["yaxis"]["range"] == [0, 1.02]


def test_log_ticks_are_written_out_and_the_target_stays_on_the_chart():
    runs = [{"label": "a", "epoch": np.arange(4), "values": np.array([0.7, 0.4, 0.2, 0.15]),
             "colour": "#000"}]
    axis = _valid(charts_labs.overlay_figure(runs, log_y=True, target=0.01))["layout"]["yaxis"]
    # Plotly's own digit labels read "5" for 0.5: every tick is written out in full.
    assert axis["ticktext"] == [f"{v:g}" for v in axis["tickvals"]]
    assert "0.5" in axis["ticktext"] and "0.02" in axis["ticktext"]
    assert axis["range"][0] <= np.log10(0.01) <= axis["range"][1]
    # A loss down at float round-off does not stretch the axis over twenty decades.
    runs[0]["values"] = np.array([0.7, 1e-3, 1e-9, 1e-21])
    axis = _valid(charts_labs.overlay_figure(runs, log_y=True))["layout"]["yaxis"]
    assert axis["range"][1] - axis["range"][0] <= 6.2 and len(axis["tickvals"]) <= 8


def test_an_exploding_r2_does_not_flatten_the_other_runs():
    runs = [{"label": "calm", "epoch": np.arange(3), "values": np.array([0.2, 0.6, 0.9]),
             "colour": "#000"},
            {"label": "wild", "epoch": np.arange(3), "values": np.array([0.1, -50.0, -4e34]),
             "colour": "#f00", "diverged_at": 2}]
    fig = _valid(charts_labs.overlay_figure(runs, metric="r2"))
    assert fig["layout"]["yaxis"]["range"] == [pytest.approx(-1.02), 1.02]
    mark = next(t for t in fig["data"] if t["mode"] == "markers+text")
    assert mark["y"] == [-1.0]  # on the chart's bottom edge


def test_a_run_at_epoch_0_shows_as_a_point():
    runs = [{"label": "new", "epoch": np.arange(1), "values": np.array([0.69]), "colour": "#000"}]
    assert _valid(charts_labs.overlay_figure(runs))["data"][0]["mode"] == "markers"


def test_boundary_grid_has_one_map_per_run_with_notes():
    xs = ys = np.linspace(-1, 1, 10)
    gx, _ = np.meshgrid(xs, ys)
    panels = [{"title": f"run {k}", "xs": xs, "ys": ys, "values": (gx > 0).astype(float),
               "points": (np.zeros((3, 2)), np.array([0, 1, 1]))} for k in range(5)]
    panels[2]["note"] = "diverged at epoch 3"
    fig = _valid(charts_labs.boundary_grid_figure(panels, task="binary", columns=4))
    assert len(fig["layout"]["images"]) == 5 and len(fig["data"]) == 5
    assert fig["layout"]["xaxis5"]["domain"] == fig["layout"]["xaxis"]["domain"]  # 2nd row
    assert "diverged at epoch 3" in fig["layout"]["annotations"][2]["text"]
    pixels = png_pixels(fig["layout"]["images"][0]["source"])
    orange = np.array([int(PALETTES["classic"][1][i:i + 2], 16) for i in (1, 3, 5)])
    assert np.abs(pixels[0, -1, :3].astype(int) - orange).max() <= 2  # x > 0: class 1


# -- the landscape ---------------------------------------------------------------------------------
def test_landscape_contour_carries_the_loss_and_the_path():
    xs, ys = np.linspace(-1, 1, 5), np.linspace(-2, 2, 3)
    loss = np.add.outer(ys ** 2, xs ** 2) + 1.0
    path = np.array([[-1.0, 1.0], [-0.5, 0.3], [0.0, 0.0]])
    fig = _valid(charts_labs.landscape_figure(xs, ys, loss, path=path,
                                              path_loss=[3.0, 1.5, 1.0],
                                              path_labels=["epoch 0", "epoch 5", "epoch 9"],
                                              centre_label="now", mark_lowest=True))
    contour = fig["data"][0]
    np.testing.assert_allclose(contour["customdata"], loss, rtol=1e-6)
    np.testing.assert_allclose(contour["z"], loss, rtol=1e-6)  # a narrow range: linear colours
    line = fig["data"][1]
    np.testing.assert_array_equal(line["x"], path[:, 0])
    assert list(line["text"]) == ["epoch 0", "epoch 5", "epoch 9"]
    lowest = [t for t in fig["data"] if t.get("name") == "lowest on this grid"][0]
    assert (lowest["x"], lowest["y"]) == ([0.0], [0.0])


def test_steep_landscapes_are_coloured_by_log_loss_and_infinities_left_blank():
    xs = ys = np.linspace(-1, 1, 3)
    loss = np.array([[0.01, 0.1, 1.0], [10.0, 0.05, np.inf], [np.nan, 3.0, 0.2]])
    fig = _valid(charts_labs.landscape_figure(xs, ys, loss))
    z, custom = fig["data"][0]["z"], fig["data"][0]["customdata"]
    assert z[0, 2] == pytest.approx(0.0) and z[1, 0] == pytest.approx(1.0)
    assert np.isnan(z[1, 2]) and np.isnan(custom[1, 2]) and np.isnan(z[2, 0])
    ticks = fig["data"][0]["colorbar"]["ticktext"]
    assert ticks[0] == "0.01" and ticks[-1] == "10"


def test_landscape_surface_puts_the_path_at_its_losses():
    xs = ys = np.linspace(-1, 1, 4)
    fig = _valid(charts_labs.landscape_figure(xs, ys, np.ones((4, 4)), kind="surface",
                                              path=np.zeros((2, 2)), path_loss=[3.0, 1.0],
                                              path_labels=["a", "b"]))
    assert fig["data"][0]["type"] == "surface"
    np.testing.assert_array_equal(fig["data"][1]["z"], [3.0, 1.0])


# -- inside the network ----------------------------------------------------------------------------
def test_thumbnails_one_image_per_neuron_coloured_by_its_output():
    layer1 = np.stack([np.full((8, 8), 1.0), np.full((8, 8), -1.0), np.zeros((8, 8))])
    output = np.full((1, 8, 8), 0.9)
    rows = [{"label": "layer 1 · tanh", "values": layer1, "zrange": (-1, 1),
             "hover": ["a", "b", "c"]},
            {"label": "output", "values": output, "zrange": (0, 1), "hover": ["out"]}]
    fig = _valid(charts_labs.thumbnails_figure(rows))
    images = fig["layout"]["images"]
    assert len(images) == 4
    palette = PALETTES["classic"]
    rgb = [np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)]) for c in palette[:2]]
    pos, neg, zero = (png_pixels(images[k]["source"])[4, 4, :3].astype(int) for k in range(3))
    assert np.abs(pos - rgb[1]).max() <= 2 and np.abs(neg - rgb[0]).max() <= 2
    assert (zero > 240).all()  # white in the middle of the range
    assert list(fig["data"][0]["text"]) == ["a", "b", "c", "out"]


def test_thumbnails_cap_wide_layers_and_say_so():
    rows = [{"label": "layer 1", "values": np.zeros((20, 4, 4)), "zrange": (-1, 1),
             "hover": [str(k) for k in range(20)]}]
    fig = _valid(charts_labs.thumbnails_figure(rows, max_columns=16))
    assert len(fig["layout"]["images"]) == 16
    assert "first 16 of 20" in fig["layout"]["annotations"][0]["text"]


def test_warped_plane_lines_points_and_the_output_boundary():
    lines = np.random.default_rng(0).uniform(-1, 1, (4, 10, 2))
    points = np.array([[0.5, 0.5], [-0.5, -0.2]])
    w, b = np.array([1.0, 2.0]), 0.3
    fig = _valid(charts_labs.warped_figure(lines, points, [0, 1], task="binary",
                                           boundary=(w, b)))
    grid, dots, edge = fig["data"]
    assert np.isnan(grid["x"]).sum() == 4 and len(grid["x"]) == 44
    np.testing.assert_array_equal(dots["x"], points[:, 0].astype(np.float32))
    for x, y in zip(edge["x"], edge["y"]):
        assert w[0] * x + w[1] * y + b == pytest.approx(0.0, abs=1e-5)
    three = _valid(charts_labs.warped_figure(np.zeros((2, 5, 3)), np.zeros((3, 3)), [0, 1, 0],
                                             task="binary", axis_titles=("a", "b", "c")))
    assert three["data"][0]["type"] == "scatter3d"


# -- the loss functions ----------------------------------------------------------------------------
@pytest.mark.parametrize("y", [0, 1])
def test_loss_explorer_curves_match_the_textbook_formulas(y):
    p = np.linspace(0.01, 0.99, 99)
    curves = charts_labs.loss_explorer_curves(y, p)
    mse, ce, hinge = curves["mse"], curves["bce"], curves["hinge"]
    np.testing.assert_allclose(mse[0], (p - y) ** 2, rtol=1e-12)
    np.testing.assert_allclose(mse[2], 2 * (p - y) * p * (1 - p), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ce[0], -np.log(p if y else 1 - p), rtol=1e-12)
    np.testing.assert_allclose(ce[2], p - y, rtol=1e-9, atol=1e-12)  # the famous p - y
    z, s = np.log(p / (1 - p)), 2 * y - 1
    np.testing.assert_allclose(hinge[0], np.maximum(0, 1 - s * z), rtol=1e-9, atol=1e-12)
    inside = 1 - s * z > 1e-6
    np.testing.assert_array_equal(hinge[2][inside], -s)
    assert not hinge[2][1 - s * z < -1e-6].any()


def test_loss_explorer_gradients_are_the_slopes_of_the_losses():
    p = np.linspace(0.05, 0.95, 19)
    h = 1e-6
    for name in ("mse", "bce"):
        up = charts_labs.loss_explorer_curves(1, p + h)[name][0]
        down = charts_labs.loss_explorer_curves(1, p - h)[name][0]
        got = charts_labs.loss_explorer_curves(1, p)[name][1]
        np.testing.assert_allclose(got, (up - down) / (2 * h), rtol=1e-5)


def test_loss_explorer_draws_three_figures_of_three_lines():
    p = np.linspace(0.01, 0.99, 50)
    curves = charts_labs.loss_explorer_curves(1, p)
    figures = [_valid(f) for f in charts_labs.loss_explorer_figures(p, curves, marker=0.2)]
    assert [len(f["data"]) for f in figures] == [3, 3, 3]
    for panel, fig in enumerate(figures):
        for trace, values in zip(fig["data"], curves.values()):
            np.testing.assert_allclose(trace["y"], np.clip(values[panel], -1e3, 1e3), rtol=1e-6)
    assert [[s["x0"] for s in f["layout"]["shapes"]] for f in figures] == [[0.2]] * 3
    # At p = 0.05 for y = 1, cross-entropy's slope is -1/p = -20: the axis reaches it.
    figures = charts_labs.loss_explorer_figures(p, curves, marker=0.05)
    low, high = figures[1]["layout"]["yaxis"]["range"]
    assert low <= -20 and high >= 20
    # One key for the three, naming each loss in its line's colour.
    key = charts_labs.explorer_key_html(("#111111", "#222222", "#333333"))
    for label, colour in zip(charts_labs.EXPLORER_LABELS.values(), ("#111111", "#222222",
                                                                    "#333333")):
        assert f"{colour};\"></span>{label}" in key


def test_epoch_marker_on_both_panels_of_a_loss_figure():
    fig = {"data": [], "layout": {"shapes": [{"type": "line"}]}}
    marked = charts_labs.with_epoch_marker(fig, 12)
    assert [s.get("xref") for s in marked["layout"]["shapes"]] == [None, "x", "x2"]
    assert marked["layout"]["shapes"][1]["x0"] == 12 and len(fig["layout"]["shapes"]) == 1


def test_run_colours_follow_the_palette():
    assert charts_labs.run_colours(PALETTES["colorblind"])[0] == "#0072b2"
    assert charts_labs.run_colours(PALETTES["classic"])[0] == "#1f77b4"


def test_colour_bar_ticks_stay_few_over_many_decades():
    # A run that blew up spans dozens of decades: 1-2-5 ticks for each ran into a black smear.
    assert len(charts_labs._nice_ticks(1e-3, 1e80)) <= 10
    assert list(charts_labs._nice_ticks(0.1, 10)) == [0.1, 0.2, 0.5, 1, 2, 5, 10]
