"""Shareable links: a run's settings as the flat dict of strings a page URL carries, and back.

``encode`` writes only the settings that differ from their defaults (so a link stays short and
a default-only link is the bare page address), plus the teacher keys. ``decode`` reads whatever a
URL holds and never raises: every setting is parsed against its entry in ``config.FIELDS``; a
number out of range is clamped, a value that cannot be read is dropped (its default stays), an
unknown key is ignored, and each of these leaves one note for the user naming the key, the value
and what was done. One bad key never changes another setting. A value holding an invisible
character (a NUL, an escape, a zero-width space: ``text``'s rule 3) is refused whole, and a list
with nothing readable in it (``hidden=x`` or an empty ``hidden=``) keeps the page's value: only
``none`` means an empty list.

Keys are the settings' own names (``lr=0.3``, ``hidden=4,4``, ``features=x1*x2``); an empty
list is written ``none`` (``hidden=none``: no hidden layer). Teacher keys:

- ``hide=lr,batch_size`` hides those controls; ``show=lr`` hides every control but those. The
  group names ``data``, ``network`` and ``training`` stand for all of a group's controls.
- ``autoplay=1`` starts training when the link is opened.
- ``at=300`` trains to epoch 300 when the link is opened (capped by the epoch limit and ``MAX_AT``).

Display keys, ``projector=1`` and ``palette=colorblind``, keep one screen's display settings
in its address bar (so a reload or a bookmark keeps them); links made to share leave them out,
since they suit the screen, not the run.

Left out: the uploaded CSV data (a link cannot carry a file: ``unshareable`` says so and the link
carries the other settings), the view toggles, and anything secret: hiding controls is a
classroom convenience, not a lock (a student can always edit the address).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Mapping

from playground import control_specs
from playground.config import FIELDS, Field, TrainConfig
from playground.datasets import CATDOG_FEATURES, DATASETS
from playground.display import PALETTES
from playground.losses import TASK_LOSSES
from playground.text import NUMBER, invisible_problem

# The controls a link can hide, in the sidebar's order, and the names that stand for several.
CONTROLS = tuple(control_specs.CONTROLS)
GROUPS = control_specs.GROUPS
SHARED_CONTROL = control_specs.SHARED

TEACHER_KEYS = ("hide", "show", "autoplay", "at")
DISPLAY_KEYS = ("projector", "palette")
IGNORED_KEYS = ("embed", "embed_options")  # Streamlit's own; never settings
MAX_AT = 20_000  # most epochs a link may ask to train on opening
MAX_VALUE_CHARS = 300  # a longer value is not a setting anyone typed
NONE = "none"
DEFAULTS = TrainConfig()
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Link:
    """What a link asks for: the settings, the teacher's options, and notes on what was mended.

    Attributes
    ----------
    config : TrainConfig
    hidden_controls : frozenset of str
        Names from ``CONTROLS`` whose controls are not drawn.
    autoplay : bool
        Start training as soon as the page opens.
    at : int
        Train to this epoch on opening (0: do not train).
    display : dict
        The display keys the link holds: "projector" (bool), "palette" (a PALETTES key).
    notes : tuple of str
        One line per key that was clamped, dropped or ignored, for the user.
    """

    config: TrainConfig
    hidden_controls: frozenset = frozenset()
    autoplay: bool = False
    at: int = 0
    display: dict = dataclasses.field(default_factory=dict)
    notes: tuple = ()


# -- writing a link ---------------------------------------------------------------------------
def encode(config: TrainConfig, *, hidden_controls=(), autoplay: bool = False, at: int = 0,
           base: TrainConfig = DEFAULTS, display=None) -> dict:
    """The URL parameters of a run: the settings that differ from ``base``, then the teacher keys.

    ``base`` is the page's starting config (the defaults, for most pages); ``decode`` must get
    the same one. A CSV dataset is left out (see ``unshareable``); so are its columns, which
    name the file's columns and mean nothing without it.
    """
    params = {}
    for name in FIELDS:
        value = getattr(config, name)
        if value == getattr(base, name):
            continue
        if config.dataset == "csv" and name in ("dataset", "columns"):
            continue
        params[name] = as_text(value)
    hide = frozenset(hidden_controls) & frozenset(CONTROLS)
    if hide:
        shown = [c for c in CONTROLS if c not in hide]
        # Whichever list is shorter: a teacher who leaves one slider says show=lr.
        if len(shown) < len(hide):
            params["show"] = ",".join(shown) if shown else NONE
        else:
            params["hide"] = ",".join(c for c in CONTROLS if c in hide)
    if autoplay:
        params["autoplay"] = "1"
    if at > 0:
        params["at"] = str(int(at))
    display = display or {}
    if display.get("projector"):
        params["projector"] = "1"
    if (display.get("palette") or "classic") != "classic":
        params["palette"] = display["palette"]
    return params


def as_text(value) -> str:
    """A setting's value as a link writes it."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the very same float
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value) if value else NONE
    return str(value)


def unshareable(config: TrainConfig) -> str | None:
    """Why part of a run cannot travel in a link, or None if all of it can."""
    if config.dataset == "csv":
        return ("Your own CSV data cannot travel in a link: whoever opens it gets the default "
                f"dataset ({DATASETS[FIELDS['dataset'].default].label}) with your other "
                "settings. Send the CSV file along, to be uploaded on the Train page.")
    return None


# -- reading a link ---------------------------------------------------------------------------
def decode(params: Mapping, *, base: TrainConfig = DEFAULTS, datasets=None,
           columns: str = "pair") -> Link:
    """Read URL parameters into a Link; never raises.

    The settings come back as the page's controls show them (``control_specs.shown``), so the
    page's first draw changes none of them.

    Parameters
    ----------
    params : mapping of str to str (or to a list of str, as a repeated key gives; the last wins)
    base : TrainConfig
        The page's starting config: settings the link does not name keep their value here.
    datasets : collection of str, optional
        The datasets the page offers (default: all but 'csv'); any other is left out.
    columns : str
        How the page picks cat/dog features ("pair" or "set", see ``control_specs.Where``).
    """
    notes, values = [], {}
    for key, raw in params.items():
        key = str(key)
        value = _last(raw)
        if key in IGNORED_KEYS or key in TEACHER_KEYS or key in DISPLAY_KEYS:
            continue
        if key not in FIELDS:
            notes.append(f"{_show(key)} is not a setting: ignored.")
        elif len(value) > MAX_VALUE_CHARS:
            notes.append(f"{key}: the value is {len(value)} characters long: left out.")
        else:
            # The field as this page sees it: its "default" is the page's starting value.
            field = dataclasses.replace(FIELDS[key], default=getattr(base, key))
            problem = _value_problem(field, value)
            parsed = None if problem else _PARSERS[field.kind](field, value, notes)
            if problem:
                notes.append(f"{key}={_show(value)} {problem}: {_kept(field)}")
            elif parsed is not None:
                values[key] = parsed
    where = control_specs.Where(tuple(datasets or DATASETS), columns=columns)
    _mend_combinations(values, base, where, notes)
    try:
        config = base.replace(**values)
    except (TypeError, ValueError) as err:  # a combination no rule above foresaw
        notes.append(f"The settings did not fit together ({err}): the page's own are used.")
        config = base
    hide = _hidden_controls(params, notes)
    autoplay = _teacher_flag(params, "autoplay", notes)
    at = _at(params, config, notes)
    return Link(config, hide, autoplay, at, _display(params, notes), tuple(notes))


def _value_problem(field, value: str) -> str | None:
    """What makes a whole value unusable, before it is read item by item: an invisible
    character (a NUL would otherwise be read around, and a list of layers come out empty:
    no hidden layer) or, for a list, nothing at all (an empty list is written 'none')."""
    problem = invisible_problem(value)
    if problem is None and field.kind in ("ints", "strs") and not value:
        problem = f"is empty (to ask for none, write {field.name}={NONE})"
    return problem


def _last(raw) -> str:
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else ""
    return str(raw).strip()


def _show(text: str, limit: int = 40) -> str:
    """A value as the note quotes it: repr, cut short."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _clamp(field, number, text, notes):
    low, high = field.allowed
    if number < low or number > high:
        edge = low if number < low else high
        notes.append(f"{field.name}={_show(text)} is outside {low:g} to {high:g}: set to "
                     f"{edge:g}.")
        return type(number)(edge)
    return number


def _number(text: str) -> float:
    """A link value as a number by ``text``'s number rule (its spelling), else nan: Python's
    own int/float would read '1_000', '١٢٣' and 'nan'."""
    return float(text) if NUMBER.fullmatch(text) else math.nan


def _parse_int(field, text, notes):
    real = _number(text)
    if not math.isfinite(real):
        notes.append(f"{field.name}={_show(text)} is not a whole number: {_kept(field)}")
        return None
    if text.strip().lstrip("+-").isdigit():
        number = int(text)  # exact, however long
    else:
        number = round(real)
        if number != real:
            notes.append(f"{field.name}={_show(text)} is not a whole number: rounded to "
                         f"{number}.")
    return _clamp(field, number, text, notes)


def _kept(field):
    if field.default is None:
        return "left out."
    return f"left out (it stays {as_text(field.default)})."


def _parse_float(field, text, notes):
    number = _number(text)
    if not math.isfinite(number):
        notes.append(f"{field.name}={_show(text)} is not a finite number: {_kept(field)}")
        return None
    return _clamp(field, number, text, notes)


def _parse_str(field, text, notes):
    if field.name == "dataset" and text == "csv":
        notes.append("dataset='csv': your own data cannot come from a link; upload the file on "
                     "the Train page. The default dataset is used.")
        return None
    if text not in field.allowed:
        notes.append(f"{field.name}={_show(text)} is not one of {', '.join(field.allowed)}: "
                     f"{_kept(field)}")
        return None
    return text


def _parse_bool(field, text, notes):
    word = text.lower()
    if word in TRUE or word in FALSE:
        return word in TRUE
    notes.append(f"{field.name}={_show(text)} is not 1 or 0: left out.")
    return None


def _items(text):
    if text.lower() in (NONE, ""):
        return []
    return [item.strip() for item in text.split(",")]


def _parse_ints(field, text, notes):
    items, said = [], []
    for i, item in enumerate(_items(text)):
        layer = Field(f"{field.name} (layer {i + 1})", "int", None, field.allowed, "")
        number = _parse_int(layer, item, said)
        if number is not None:
            items.append(number)
    if said and not items:  # nothing readable is not "no hidden layer": that is written none
        notes.append(f"{field.name}={_show(text)} holds no whole number: {_kept(field)}")
        return None
    notes.extend(said)
    low, high = field.length
    if len(items) > high:
        notes.append(f"{field.name} lists {len(items)} layers; at most {high}: the first {high} "
                     "are kept.")
        items = items[:high]
    return tuple(items)


def _parse_strs(field, text, notes):
    items, said = [], []
    for item in _items(text):
        if field.allowed is not None and item not in field.allowed:
            said.append(f"{field.name}: {_show(item)} is not one of {', '.join(field.allowed)}: "
                        "left out.")
        elif item in items:
            said.append(f"{field.name}: {_show(item)} is listed twice: kept once.")
        elif item:
            items.append(item)
    if said and not items:
        notes.append(f"{field.name}={_show(text)} names none of {', '.join(field.allowed)}: "
                     f"{_kept(field)}")
        return None
    notes.extend(said)
    high = field.length[1]
    if len(items) > high:
        notes.append(f"{field.name} lists {len(items)} items; at most {high} are kept.")
        items = items[:high]
    return tuple(items)


_PARSERS = {"int": _parse_int, "float": _parse_float, "str": _parse_str, "bool": _parse_bool,
            "ints": _parse_ints, "strs": _parse_strs}


def _mend_combinations(values: dict, base: TrainConfig, where, notes: list) -> None:
    """Drop settings that are valid alone but not with the link's dataset or the page."""
    if "dataset" in values and values["dataset"] not in where.datasets:
        notes.append(f"dataset={values['dataset']!r} is not offered on this page: left out "
                     f"(it stays {base.dataset}).")
        del values["dataset"]
    spec = DATASETS[values.get("dataset", base.dataset)]
    _mend_columns(values, base, spec, notes)
    features = values.get("features", base.features)
    if features and not spec.two_d:
        if "features" in values:
            notes.append(f"features (x1^2, sin x1 ...) apply only to the 2-D datasets, not to "
                         f"{spec.label}: left out.")
        values["features"] = ()
    loss = values.get("loss", base.loss)
    if loss not in ("auto",) + TASK_LOSSES[spec.task]:
        notes.append(f"loss={loss!r} does not fit the {spec.task} task of {spec.label}: the "
                     "task's usual loss is used.")
        values["loss"] = "auto"
    _as_the_controls_show(values, base, where, notes)


def _as_the_controls_show(values, base, where, notes):
    """Round and cap as the page's controls will, before anything trains on the link.

    Otherwise the page's first draw changes the setting (label_noise 0.025 shows as 2 %) and
    starts a new run: the epochs an ``at=`` link trained to are gone. A note names each value
    the link gave that changed; the page's own values change silently.
    """
    try:
        asked = base.replace(**values)
    except (TypeError, ValueError):
        return  # decode says the settings did not fit together
    shown = control_specs.shown(asked, where)
    for name in FIELDS:
        before, after = getattr(asked, name), getattr(shown, name)
        if before == after:
            continue
        if name in values:
            notes.append(f"{name}: the link's {as_text(before)} became {as_text(after)} "
                         f"({control_specs.why(name)}).")
        values[name] = after


def _mend_columns(values, base, spec, notes):
    columns = values.get("columns", base.columns)
    if spec.key != "catdog":
        if "columns" in values and columns:
            notes.append("columns apply only to the cats-and-dogs data: left out.")
        values["columns"] = ()
        return
    unknown = [c for c in columns if c not in CATDOG_FEATURES]
    if unknown:
        notes.append(f"columns: {', '.join(map(_show, unknown))} "
                     f"{'is not a measurement' if len(unknown) == 1 else 'are not measurements'}"
                     " of the cats-and-dogs data: left out.")
        values["columns"] = tuple(c for c in columns if c in CATDOG_FEATURES)


def _hidden_controls(params, notes) -> frozenset:
    hide = set()
    if "show" in params:
        text, said = _last(params["show"]), []
        shown = _control_names(text, "show", said)
        # Only show=none hides every control: a show= naming no control (empty, mistyped, a
        # stray character) would leave a student with no control at all, so it is ignored.
        if shown or text.lower() == NONE:
            hide = set(CONTROLS) - shown
        elif invisible_problem(text) is None:
            said = [f"show={_show(text)} names no control: ignored (every control is shown)."]
        notes.extend(said)
    if "hide" in params:
        hide |= _control_names(_last(params["hide"]), "hide", notes)
    return frozenset(hide)


def _control_names(text, key, notes) -> set:
    names = set()
    problem = invisible_problem(text)
    if problem:
        notes.append(f"{key}={_show(text)} {problem}: ignored.")
        return names
    for item in _items(text[:MAX_VALUE_CHARS]):
        if item in GROUPS:
            names.update(GROUPS[item])
        elif item in CONTROLS:
            names.add(item)
        elif item in SHARED_CONTROL:
            names.add(SHARED_CONTROL[item])
        elif item:
            notes.append(f"{key}: {_show(item)} is not a control: ignored.")
    return names


def _teacher_flag(params, key, notes) -> bool:
    if key not in params:
        return False
    word = _last(params[key]).lower()
    if word not in TRUE and word not in FALSE:
        problem = invisible_problem(word) or "is not 1 or 0"
        notes.append(f"{key}={_show(word)} {problem}: ignored.")
    return word in TRUE


def _display(params, notes) -> dict:
    display = {}
    if "projector" in params:
        display["projector"] = _teacher_flag(params, "projector", notes)
    if "palette" in params:
        palette = _last(params["palette"])
        if palette in PALETTES:
            display["palette"] = palette
        else:
            problem = invisible_problem(palette) or f"is not one of {', '.join(PALETTES)}"
            notes.append(f"palette={_show(palette)} {problem}: ignored.")
    return display


def _at(params, config, notes) -> int:
    if "at" not in params:
        return 0
    field = Field("at", "int", None, (0, min(MAX_AT, config.epochs)), "")
    text = _last(params["at"])
    problem = invisible_problem(text)
    if len(text) > MAX_VALUE_CHARS:
        problem = f"is {len(text):,} characters long"
    if problem:
        notes.append(f"at={_show(text)} {problem}: left out (the run starts at epoch 0).")
        return 0
    epoch = _parse_int(field, text, notes)
    return epoch or 0
