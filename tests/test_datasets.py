"""Tests of playground.datasets: toy generators, cat/dog table, CSV upload checks.

Oracles: the geometry the toy sets promise (radii, signs, formulas recomputed here by hand),
exact split and flip counts, hand-computed z-scores, the generator script's own output, and
scikit-learn models for the cat/dog overlap claim.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from playground import datasets as ds
from playground.datasets import DataError

ROOT = Path(__file__).resolve().parent.parent
TOY_KEYS = [k for k, spec in ds.DATASETS.items() if spec.two_d]


def _all(d: ds.Dataset) -> tuple[np.ndarray, np.ndarray]:
    return np.vstack([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test])


# --------------------------------------------------------------------------- catalogue


def test_catalogue_has_the_contracted_keys_and_tasks():
    expected = {"circle": "binary", "xor": "binary", "gauss": "binary", "spiral": "binary",
                "moons": "binary", "linear": "binary", "blobs": "multiclass",
                "plane": "regression", "multi_gauss": "regression", "catdog": "binary"}
    assert {k: s.task for k, s in ds.DATASETS.items()} == expected
    assert all(s.key == k and s.label and s.description for k, s in ds.DATASETS.items())
    assert [k for k, s in ds.DATASETS.items() if not s.two_d] == ["catdog"]
    with pytest.raises(TypeError):
        ds.DATASETS["new"] = ds.DATASETS["xor"]  # read-only registry


@pytest.mark.parametrize("key", list(ds.DATASETS))
def test_every_dataset_builds_with_right_shapes_dtypes_and_split(key):
    d = ds.make_dataset(key, n_samples=200, noise=0.1, train_ratio=0.3, seed=3, n_classes=4)
    spec = ds.DATASETS[key]
    n = 200 if spec.two_d else len(ds.load_catdog())
    n_features = 2 if spec.two_d else len(ds.CATDOG_FEATURES)
    assert (d.key, d.task) == (key, spec.task)
    assert d.X_train.shape == (round(0.3 * n), n_features)
    assert d.X_test.shape == (n - round(0.3 * n), n_features)
    assert d.y_train.shape == (len(d.X_train),) and d.y_test.shape == (len(d.X_test),)
    assert d.X_train.dtype == d.X_test.dtype == np.float64
    assert len(d.feature_names) == n_features
    X, y = _all(d)
    assert np.isfinite(X).all() and np.isfinite(y).all()
    assert not d.X_train.flags.writeable  # a cached Dataset cannot be edited by one user
    if spec.task == "regression":
        assert d.y_train.dtype == np.float64 and d.class_names is None and d.n_classes == 1
    else:
        assert d.y_train.dtype == d.y_test.dtype == np.int64
        assert d.n_classes == len(d.class_names) == (4 if key == "blobs" else 2)
        assert set(np.unique(y)) == set(range(d.n_classes))
    if spec.two_d:
        assert d.feature_names == ("x1", "x2") and d.names_train is None
        assert np.abs(X).max() < 7.0  # about [-6, 6]^2 even with noise
    else:
        assert len(d.names_train) == len(d.X_train) and len(d.names_test) == len(d.X_test)


@pytest.mark.parametrize("key", [k for k, s in ds.DATASETS.items() if s.task != "regression"])
@pytest.mark.parametrize("ratio", [0.1, 0.5, 0.8])
def test_classification_splits_are_stratified(key, ratio):
    d = ds.make_dataset(key, n_samples=301, train_ratio=ratio, seed=1, n_classes=5)
    _, y = _all(d)
    for c in range(d.n_classes):
        total = np.sum(y == c)
        assert abs(np.sum(d.y_train == c) - ratio * total) <= 1, (c, total)


def test_regression_targets_are_about_minus_one_to_one():
    for key in ("plane", "multi_gauss"):
        _, y = _all(ds.make_dataset(key, n_samples=2000, noise=0.5))
        assert -1.25 <= y.min() < -0.8 and 0.8 < y.max() <= 1.25, key


# --------------------------------------------------------------------------- toy geometry


def test_circle_is_a_blue_disc_in_an_orange_ring():
    X, y = _all(ds.make_dataset("circle", n_samples=1000))
    r = np.hypot(X[:, 0], X[:, 1])
    assert ds.make_dataset("circle").class_names == ("blue", "orange")
    assert r[y == 0].max() <= 2.5 and r[y == 1].min() >= 3.5 and r[y == 1].max() <= 5.0
    assert np.sum(y == 0) == np.sum(y == 1) == 500


def test_xor_labels_follow_the_sign_of_the_product_with_a_margin():
    X, y = _all(ds.make_dataset("xor", n_samples=1000))
    assert np.array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert np.abs(X).min() >= 0.3 and np.abs(X).max() <= 5.3


def test_linear_and_gauss_are_linearly_separable_without_noise():
    for key in ("linear", "gauss"):
        X, y = _all(ds.make_dataset(key, n_samples=400, seed=5))
        model = LogisticRegression(C=1e4, max_iter=5000).fit(X, y)
        assert model.score(X, y) == 1.0, key


def test_spiral_arms_wind_out_to_radius_five():
    X, y = _all(ds.make_dataset("spiral", n_samples=400))
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() < 5.0 and r.min() == 0.0
    # The two arms are point reflections of each other (phase pi apart).
    order0 = np.argsort(r[y == 0])
    order1 = np.argsort(r[y == 1])
    assert np.allclose(X[y == 0][order0], -X[y == 1][order1])


def test_blobs_have_one_cluster_per_class():
    X, y = _all(ds.make_dataset("blobs", n_samples=1000, n_classes=5, seed=2))
    centres = np.array([X[y == c].mean(axis=0) for c in range(5)])
    assert np.allclose(np.hypot(centres[:, 0], centres[:, 1]), 3.5, atol=0.3)
    nearest = np.argmin(((X[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    assert np.mean(nearest == y) > 0.9


def test_plane_target_is_the_playground_formula():
    X, y = _all(ds.make_dataset("plane", n_samples=300))
    assert np.allclose(y, (X[:, 0] + X[:, 1]) / 10)
    assert np.abs(X).max() <= 6.0


def _bump_label(x: float, y: float) -> float:
    """The playground's regressGaussian getLabel, one point at a time (an independent oracle)."""
    best = 0.0
    for cx, cy, sign in [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1),
                         (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]:
        value = sign * min(1.0, max(0.0, 1 - math.dist((x, y), (cx, cy)) / 2))
        if abs(value) > abs(best):
            best = value
    return best


def test_multi_gauss_target_matches_the_playground_rule():
    X, y = _all(ds.make_dataset("multi_gauss", n_samples=300, seed=9))
    assert np.allclose(y, [_bump_label(a, b) for a, b in X])


@pytest.mark.parametrize("key", TOY_KEYS)
def test_noise_moves_points_by_at_most_noise_times_radius(key):
    clean = ds.make_dataset(key, n_samples=500, seed=4)
    noisy = ds.make_dataset(key, n_samples=500, seed=4, noise=0.5)
    radius = 6.0 if ds.DATASETS[key].task == "regression" else 5.0
    shift = np.abs(noisy.X_train - clean.X_train)
    assert 0.9 * 0.5 * radius < shift.max() <= 0.5 * radius
    assert np.array_equal(noisy.y_train, clean.y_train)


# --------------------------------------------------------------------------- seeds, label noise


@pytest.mark.parametrize("key", list(ds.DATASETS))
def test_same_seed_same_data_other_seed_other_data(key):
    kwargs = dict(n_samples=120, noise=0.2, label_noise=0.1, n_classes=3)
    a = ds.make_dataset(key, seed=7, **kwargs)
    b = ds.make_dataset(key, seed=7, **kwargs)
    c = ds.make_dataset(key, seed=8, **kwargs)
    for field in ("X_train", "y_train", "X_test", "y_test"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert a.names_train == b.names_train
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("key, fraction", [("xor", 0.2), ("catdog", 0.3), ("blobs", 0.25)])
def test_label_noise_flips_that_fraction_of_training_labels(key, fraction):
    clean = ds.make_dataset(key, n_samples=400, seed=11, n_classes=4)
    noisy = ds.make_dataset(key, n_samples=400, seed=11, n_classes=4, label_noise=fraction)
    assert np.array_equal(noisy.X_train, clean.X_train)
    assert np.array_equal(noisy.y_test, clean.y_test)  # test labels stay clean
    changed = noisy.y_train != clean.y_train
    assert changed.sum() == round(fraction * len(clean.y_train))
    if key == "blobs":  # moved to a random *other* class, not always the same neighbour
        moves = {(a, b) for a, b in zip(clean.y_train[changed], noisy.y_train[changed])}
        assert len({b for a, b in moves if a == 0}) == 3


def test_label_noise_is_ignored_for_regression():
    a = ds.make_dataset("plane", seed=2)
    b = ds.make_dataset("plane", seed=2, label_noise=0.3)
    assert np.array_equal(a.y_train, b.y_train)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("name, value", [
    ("n_samples", 49), ("n_samples", 5001), ("n_samples", 100.5), ("noise", -0.01),
    ("noise", 0.51), ("label_noise", 0.31), ("train_ratio", 0.05), ("train_ratio", 0.95),
    ("n_classes", 2), ("n_classes", 6), ("noise", float("nan")),
])
def test_out_of_range_arguments_name_the_argument_and_range(name, value):
    low, high = ds.PARAM_RANGES[name]
    with pytest.raises(ValueError, match=rf"^{name} must be .*{low} and {high}"):
        ds.make_dataset("blobs", **{name: value})


def test_boundary_values_are_accepted():
    d = ds.make_dataset("blobs", n_samples=50, train_ratio=0.1, n_classes=5, noise=0.5,
                        label_noise=0.3)
    assert len(d.y_train) == 5 and set(d.y_train) <= set(range(5))
    assert len(ds.make_dataset("gauss", n_samples=5000, train_ratio=0.9).y_train) == 4500


def test_unknown_dataset_and_catdog_column_are_named():
    with pytest.raises(ValueError, match="'nope'.*circle"):
        ds.make_dataset("nope")
    with pytest.raises(ValueError, match="'wing_span_cm'.*body_mass_kg"):
        ds.make_dataset("catdog", columns=["wing_span_cm"])
    with pytest.raises(ValueError, match="at least one"):
        ds.make_dataset("catdog", columns=[])


# --------------------------------------------------------------------------- derived features


def test_derived_features_match_a_direct_computation():
    rng = np.random.default_rng(0)
    X = rng.uniform(-6, 6, (50, 2))
    out = ds.derive_features(X, ["sin x2", "x1*x2", "x1^2", "x2^2", "sin x1"])
    x1, x2 = X[:, 0], X[:, 1]
    expected = np.column_stack([x1, x2, np.sin(x2), x1 * x2, x1 * x1, x2 * x2, np.sin(x1)])
    assert out.shape == (50, 7)
    assert np.allclose(out, expected)
    assert np.array_equal(ds.derive_features(X, []), X)
    assert set(ds.DERIVED_FEATURES) == {"x1^2", "x2^2", "x1*x2", "sin x1", "sin x2"}


def test_unknown_derived_feature_is_named_with_the_allowed_list():
    with pytest.raises(ValueError, match=r"'x3\^2'.*x1\^2, x2\^2, x1\*x2, sin x1, sin x2"):
        ds.derive_features(np.zeros((3, 2)), ["x1^2", "x3^2"])
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        ds.derive_features(np.zeros((3, 3)), ["x1^2"])


# --------------------------------------------------------------------------- Standardizer


def test_standardizer_matches_hand_computed_z_scores():
    train = np.array([[1.0, 10.0, -2.0], [3.0, 10.0, 0.0], [5.0, 10.0, 8.0]])
    s = ds.Standardizer().fit(train)
    sd0 = math.sqrt(8 / 3)  # population sd of 1, 3, 5
    sd2 = math.sqrt(((-4) ** 2 + (-2) ** 2 + 6 ** 2) / 3)  # mean 2
    assert np.allclose(s.mean_, [3.0, 10.0, 2.0])
    assert np.allclose(s.scale_, [sd0, 1.0, sd2])  # constant column -> scale 1
    test = np.array([[7.0, 12.0, 2.0]])
    assert np.allclose(s.transform(test), [[4 / sd0, 2.0, 0.0]])  # train statistics, not test's
    z = s.transform(train)
    assert np.allclose(z[:, 1], 0.0) and np.allclose(z[:, [0, 2]].std(axis=0), 1.0)


def test_standardizer_constant_column_with_rounding_error_is_not_blown_up():
    z = ds.Standardizer().fit(np.full((7, 1), 0.1)).transform(np.full((2, 1), 0.1))
    assert np.allclose(z, 0.0)


def test_standardizer_refuses_misuse():
    with pytest.raises(RuntimeError, match="before fit"):
        ds.Standardizer().transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="3 columns.*2"):
        ds.Standardizer().fit(np.ones((4, 2))).transform(np.ones((1, 3)))


# --------------------------------------------------------------------------- cat/dog table


def _generator_module():
    path = ROOT / "scripts" / "make_catdog.py"
    spec = importlib.util.spec_from_file_location("make_catdog", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_catdog_file_is_what_the_generator_writes(tmp_path, capsys):
    out = tmp_path / "catdog.csv"
    assert _generator_module().main(["--out", str(out)]) == 0
    assert out.read_bytes() == (ROOT / "data" / "catdog.csv").read_bytes()


def test_catdog_table_shape_balance_and_units():
    frame = ds.load_catdog()
    assert tuple(frame.columns) == ("name", "species") + ds.CATDOG_FEATURES
    assert _generator_module().FEATURES == ds.CATDOG_FEATURES
    assert 550 <= len(frame) <= 650
    counts = frame["species"].value_counts()
    assert set(counts.index) == {"cat", "dog"} and abs(counts["cat"] - counts["dog"]) <= 30
    breeds = frame.groupby("species")["name"].nunique()
    assert 10 <= breeds["cat"] <= 15 and 10 <= breeds["dog"] <= 15
    values = frame[list(ds.CATDOG_FEATURES)].to_numpy()
    assert (values >= 0).all() and np.allclose(values, np.round(values, 1))
    assert all(c.endswith(("_kg", "_cm")) for c in ds.CATDOG_FEATURES)


def test_load_catdog_returns_a_fresh_copy():
    first = ds.load_catdog()
    first.loc[0, "body_mass_kg"] = -1.0
    assert ds.load_catdog().loc[0, "body_mass_kg"] >= 0


def test_catdog_columns_select_those_values_with_breed_names():
    cols = ("tail_length_cm", "snout_length_cm")
    d = ds.make_dataset("catdog", columns=cols, seed=4)
    frame = ds.load_catdog()
    assert d.feature_names == cols and d.class_names == ("cat", "dog")
    X, y = _all(d)
    assert sorted(map(tuple, X)) == sorted(map(tuple, frame[list(cols)].to_numpy()))
    names = d.names_train + d.names_test
    species = dict(zip(frame["name"], frame["species"]))
    assert [species[n] for n in names] == [d.class_names[c] for c in y]


def test_catdog_needs_a_combination_of_features():
    d = ds.make_dataset("catdog", seed=0)
    scaler = ds.Standardizer().fit(d.X_train)
    train, test = scaler.transform(d.X_train), scaler.transform(d.X_test)
    pair_scores = {}
    for pair in itertools.combinations(range(train.shape[1]), 2):
        model = LogisticRegression().fit(train[:, pair], d.y_train)
        pair_scores[pair] = model.score(test[:, pair], d.y_test)
    best_pair = max(pair_scores.values())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier(hidden_layer_sizes=(16,), max_iter=2000, random_state=0)
        mlp_score = mlp.fit(train, d.y_train).score(test, d.y_test)
    assert best_pair < 0.88, pair_scores
    assert mlp_score >= best_pair + 0.07, (mlp_score, best_pair)


# --------------------------------------------------------------------------- CSV upload: bad files


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header] + rows) + "\n").encode()


GOOD_ROWS = [f"{i},{(i * 7) % 5}.5,{'cat' if i % 2 else 'dog'}" for i in range(12)]


def _fails(data: bytes, *fragments: str, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        ds.load_csv(data, **kwargs)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return message


def test_empty_file():
    _fails(b"", "empty")
    _fails(b" \n\n", "empty")


def test_header_only():
    _fails(b"a,b,label\n", "header but no data rows")


def test_non_utf8_bytes_name_the_offset():
    _fails(b"a,b,label\n1,2,caf\xe9\n", "not UTF-8", "0xe9", "byte offset 17", "line 2")
    _fails(b"\x89PNG\r\n\x1a\n", "PNG image", "not a text file")


def test_binary_file_with_nul_bytes():
    _fails(b"a,b\n1,\x002\n", "NUL byte", "byte offset 6")


def test_unparseable_csv_names_the_line():
    _fails(_csv("a,b,label", GOOD_ROWS[:3] + ["1,2,3,cat"] + GOOD_ROWS[3:]),
           "line 5", "4 fields", "header has 3")


def test_an_extra_field_on_the_first_data_row_names_that_line():
    # pandas takes the extra field for an index column and shifts every column by one: the
    # message must not blame column 'b' for holding text.
    _fails(_csv("a,b,label", [",189,-0.633,cat"] + GOOD_ROWS), "line 2", "4 fields",
           "header has 3")


def test_a_value_too_large_for_float32_names_row_and_column():
    # Accepted, 1e301 would overflow float32 and the standardisation, and its column would
    # train as zeros without a word.
    rows = list(GOOD_ROWS)
    rows[2] = "1e301,1.0,cat"
    _fails(_csv("a,b,label", rows), "too large to train with", "'1e301'", "column 'a'",
           "data row 3")


def test_no_numeric_feature_columns():
    rows = [f"Rex{i},brown,{'cat' if i % 2 else 'dog'}" for i in range(12)]
    _fails(_csv("pet,colour,label", rows), "no numeric feature columns", "pet, colour")


def test_missing_value_names_row_and_column():
    rows = list(GOOD_ROWS)
    rows[3] = "3,,dog"
    _fails(_csv("a,b,label", rows), "missing value", "column 'b'", "data row 4",
           "spreadsheet row 5")


def test_infinite_value_names_row_and_column():
    rows = list(GOOD_ROWS)
    rows[6] = "inf,1.0,cat"
    _fails(_csv("a,b,label", rows), "non-finite", "inf", "column 'a'", "data row 7")


def test_missing_label_names_row_and_column():
    rows = list(GOOD_ROWS)
    rows[0] = "0,1.5,"
    _fails(_csv("a,b,label", rows), "missing value", "column 'label'", "data row 1")


def test_single_class():
    rows = [f"{i},{i * 2}.0,cat" for i in range(12)]
    _fails(_csv("a,b,label", rows), "single class", "'cat'", "'label'")


def test_too_many_rows():
    _fails(_csv("a,b,label", GOOD_ROWS), "too many rows", "10", max_rows=10)


def test_too_many_columns():
    _fails(_csv("a,b,label", GOOD_ROWS), "too many columns", "3", "limit is 2", max_columns=2)


def test_too_many_bytes():
    _fails(_csv("a,b,label", GOOD_ROWS), "too large", "limit is 50 bytes", max_bytes=50)


def test_too_many_text_classes():
    rows = [f"{i},{i}.5,kind{i % 12}" for i in range(24)]
    _fails(_csv("a,b,label", rows), "too many classes", "12", "limit is 10", "'label'")


def test_label_column_not_found_lists_the_columns():
    _fails(_csv("a,b,label", GOOD_ROWS), "'species' not found", "a, b, label",
           label_column="species")


def test_non_numeric_feature_column_names_the_column_and_cell():
    rows = list(GOOD_ROWS)
    rows[2] = "2,12a,cat"
    _fails(_csv("a,b,label", rows), "'b' is not numeric", "'12a'", "data row 3")
    text_rows = [f"{i},Rex{i},{'cat' if i % 2 else 'dog'}" for i in range(12)]
    _fails(_csv("a,name,label", text_rows), "'name' is not numeric", "'Rex0'", "data row 1")


def test_other_bad_tables():
    _fails(_csv("a,b,label", GOOD_ROWS[:5]), "too few rows")
    _fails(_csv("a,a,label", GOOD_ROWS), "'a' twice")
    rows = GOOD_ROWS + ["12,1.0,bird"]
    _fails(_csv("a,b,label", rows), "class 'bird'", "only 1 row")
    _fails(_csv("a;b;label", [r.replace(",", ";") for r in GOOD_ROWS]), "only one column")


# --------------------------------------------------------------------------- CSV upload: good files


def test_binary_csv_round_trip():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2)).round(3)
    rows = [f"{a},{b},{int(a > b)}" for a, b in x]
    data = b"\xef\xbb\xbf" + _csv("a,b,is_bigger", rows)  # Excel's BOM must not hurt
    table = ds.load_csv(data)
    assert (table.task, table.label_column) == ("binary", "is_bigger")
    assert table.class_names == ("0", "1")
    assert table.feature_columns == ("a", "b")
    d = ds.dataset_from_table(table, train_ratio=0.75, seed=1)
    assert (d.key, d.task, d.n_classes) == ("csv", "binary", 2)
    assert d.X_train.shape == (30, 2) and d.X_test.shape == (10, 2)
    X, y = _all(d)
    assert np.array_equal(y, (X[:, 0] > X[:, 1]).astype(int))


def test_multiclass_csv_with_string_labels_and_label_first():
    rows = [f"{['virginica', 'setosa', 'versicolor'][i % 3]},{i % 3 * 10 + i / 100},{i}"
            for i in range(30)]
    table = ds.load_csv(_csv("species,length,id", rows), label_column="species")
    assert table.task == "multiclass"
    assert table.class_names == ("setosa", "versicolor", "virginica")
    d = ds.dataset_from_table(table, feature_columns=["length"], seed=3)
    assert d.feature_names == ("length",)
    X, y = _all(d)
    # length // 10 is 0 for virginica, 1 for setosa, 2 for versicolor.
    expected_name = np.array(["virginica", "setosa", "versicolor"])[(X[:, 0] // 10).astype(int)]
    assert [d.class_names[c] for c in y] == list(expected_name)
    assert np.bincount(d.y_train).tolist() == [5, 5, 5]  # stratified


def test_regression_csv_round_trip():
    rows = [f"{i},{i % 7},{2 * i - (i % 7) + 0.25}" for i in range(25)]
    table = ds.load_csv(_csv("u,v,target", rows))
    assert (table.task, table.class_names) == ("regression", None)
    d = ds.dataset_from_table(table, seed=0, label_noise=0.3)
    X, y = _all(d)
    assert d.y_train.dtype == np.float64 and d.n_classes == 1
    assert np.allclose(y, 2 * X[:, 0] - X[:, 1] + 0.25)  # label noise ignored for regression


def test_many_whole_number_labels_mean_regression():
    rows = [f"{i}.5,{i * 3}" for i in range(20)]
    assert ds.load_csv(_csv("x,count", rows)).task == "regression"
    few = [f"{i}.5,{i % 3}" for i in range(20)]
    assert ds.load_csv(_csv("x,grade", few)).class_names == ("0", "1", "2")


def test_dataset_from_table_checks_its_arguments():
    table = ds.load_csv(_csv("a,b,label", GOOD_ROWS))
    with pytest.raises(ValueError, match="train_ratio"):
        ds.dataset_from_table(table, train_ratio=1.0)
    with pytest.raises(DataError, match="'c'.*a, b"):
        ds.dataset_from_table(table, feature_columns=["c"])
