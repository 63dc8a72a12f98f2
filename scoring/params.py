"""The vocabulary of detector parameters: typed fields a detector's parameter model is built from.

Each detector declares the parameters it reads as a `DetectorParams` subclass (pydantic,
`extra="forbid"`, frozen), registered with it (`@detector("name", Params)`). Rubric files are
validated against these models when they load, so a typo, a wrong type, a bad regular expression
in a phrase list or an out-of-range number is reported then, naming the file, the criterion and
the parameter, and a detector receives its parsed `Params` object, never a dict:

    class Params(DetectorParams):
        phrases: Phrases = Field(description="what counts as an apology")
        upset_below: Sentiment = Field(-0.4, description="VADER compound that counts as upset")

    @detector("apology_when_needed", Params)
    def apology_when_needed(signals, params: Params): ...

The field types below say what a value means (a phrase list, seconds per channel, a share 0-1,
a non-negative weight...) and carry their own checks. `Field(description=...)` is what the table
of parameters in docs/rubrics.md shows (a test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from canonical.model import CHANNELS
from scoring.phrases import PhraseList


class DetectorParams(BaseModel):
    """Base of every detector's parameter model: unknown names are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def _phrase_list(value: Any) -> PhraseList:
    if isinstance(value, PhraseList):
        return value
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, list | tuple):
        raise ValueError(f"must be a list of phrases, got {_shown(value)}")
    return PhraseList(value)  # raises ValueError naming a bad phrase


# A phrase list (scoring/phrases syntax): plain words, `*` endings, `re:` expressions.
Phrases = Annotated[
    PhraseList,
    BeforeValidator(_phrase_list),
    PlainSerializer(lambda phrases: list(phrases), return_type=list),
    WithJsonSchema({"type": "array", "items": {"type": "string"}}),
]


def _words(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"must be a list of words, got {_shown(value)}")
    return tuple(value)


# A list of single words compared as they are (acronyms, words to ignore): no phrase syntax.
Words = Annotated[tuple[str, ...], BeforeValidator(_words)]

# A share or threshold on 0..1.
Share = Annotated[float, Field(ge=0, le=1)]
# A weight or a count of cues: zero or more.
Weight = Annotated[float, Field(ge=0)]
# A strictly positive number (a saturation point, a scale).
Positive = Annotated[float, Field(gt=0)]
# A VADER compound sentiment, -1..1.
Sentiment = Annotated[float, Field(ge=-1, le=1)]
# A count of words or characters: a whole number, zero or more.
Count = Annotated[int, Field(ge=0)]


class PerChannel(BaseModel):
    """Seconds per channel (`{chat: 60, email: 14400, default: 3600}`) or one number for all."""

    model_config = ConfigDict(frozen=True)

    seconds: dict[str, float]

    def for_channel(self, channel: str) -> float:
        value = self.seconds.get(channel)
        return self.seconds["default"] if value is None else value


def _per_channel(value: Any) -> PerChannel:
    if isinstance(value, PerChannel):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"must be zero or more seconds, got {value!r}")
        return PerChannel(seconds={"default": float(value)})
    if not isinstance(value, Mapping):
        raise ValueError(
            f"must be seconds, one number or per channel ({{chat: 60, default: 3600}}), "
            f"got {_shown(value)}"
        )
    seconds: dict[str, float] = {}
    for channel, number in value.items():
        if channel != "default" and channel not in CHANNELS:
            raise ValueError(
                f"unknown channel {channel!r}; use some of {', '.join(CHANNELS)} or default"
            )
        if isinstance(number, bool) or not isinstance(number, int | float) or number < 0:
            raise ValueError(f"{channel}: must be zero or more seconds, got {_shown(number)}")
        seconds[channel] = float(number)
    missing = [c for c in CHANNELS if c not in seconds]
    if missing and "default" not in seconds:
        raise ValueError(f"no value for {', '.join(missing)}: add a `default`")
    return PerChannel(seconds=seconds)


PerChannelSeconds = Annotated[
    PerChannel,
    BeforeValidator(_per_channel),
    PlainSerializer(lambda value: dict(value.seconds), return_type=dict),
    WithJsonSchema({"type": "object", "additionalProperties": {"type": "number"}}),
]


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_RANGE_WORDS = {
    "greater_than_equal": "at least {ge}",
    "greater_than": "more than {gt}",
    "less_than_equal": "at most {le}",
    "less_than": "less than {lt}",
}


def describe_parameter_error(error: Mapping[str, Any]) -> str:
    """One pydantic error about a parameter as a QA lead reads it."""
    kind = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    if kind == "missing":
        return "required parameter is missing"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        what = "a whole number" if kind.startswith("int") else "a number"
        return f"must be {what}, got {_shown(value)}"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false, got {_shown(value)}"
    if kind in ("string_type",):
        return f"must be text, got {_shown(value)}"
    if kind in _RANGE_WORDS:
        bounds = {k: f"{v:g}" if isinstance(v, int | float) else v for k, v in context.items()}
        return f"must be {_RANGE_WORDS[kind].format(**bounds)}, got {_shown(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of name: value, got {_shown(value)}"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message


__all__ = [
    "Count",
    "DetectorParams",
    "Field",
    "PerChannel",
    "PerChannelSeconds",
    "PhraseList",
    "Phrases",
    "Positive",
    "Sentiment",
    "Share",
    "Weight",
    "Words",
]


# -- the parameter table in docs/rubrics.md, generated from the models -----------------------------
def _bounds(metadata: list[Any]) -> str:
    words = []
    for item in metadata:
        for attribute, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            bound = getattr(item, attribute, None)
            if bound is not None:
                words.append(f"{sign} {bound:g}")
    return " and ".join(words)


def type_name(field: Any) -> str:
    """What a parameter holds, in words: "phrase list", "number ≥ 0", "seconds per channel"..."""
    annotation = field.annotation
    origin = get_origin(annotation)
    if annotation is PhraseList:
        return "phrase list"
    if annotation is PerChannel:
        return "seconds (per channel or one number)"
    if annotation is bool:
        return "true/false"
    if annotation is str:
        return "text"
    if origin is Literal:
        return "one of " + ", ".join(map(str, get_args(annotation)))
    if origin is tuple:
        return "word list"
    if origin is dict:
        value = get_args(annotation)[1]
        fields = ", ".join(getattr(value, "model_fields", {}))
        return f"mapping of name: {{{fields}}}"
    if annotation in (int, float):
        kind = "whole number" if annotation is int else "number"
        bounds = _bounds(field.metadata)
        return f"{kind} {bounds}" if bounds else kind
    return getattr(annotation, "__name__", str(annotation))


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float | int):
        return f"{value:g}"
    if value in ((), [], {}, None):
        return "none"
    return f"{value}"


def parameter_table(models: Mapping[str, type[DetectorParams]]) -> str:
    """The markdown table of every detector's parameters: name, type, default, meaning."""
    lines = [
        "| detector | parameter | type | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for detector in sorted(models):
        fields = models[detector].model_fields
        if not fields:
            lines.append(f"| `{detector}` | — | | | no parameters |")
        for name, field in fields.items():
            lines.append(
                f"| `{detector}` | `{field.alias or name}` | {type_name(field)} | "
                f"{_default(field)} | {field.description or ''} |"
            )
    return "\n".join(lines) + "\n"
