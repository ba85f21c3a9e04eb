"""Dataset records: the LLaVA-style JSON format (docs/data_format.md), its validation and safe media paths.

A dataset file is a JSON list of records. Each names its motion and/or video by a path relative to the
file's folder and marks where each modality goes in a human turn with `<motion>` / `<video>`. Files are
written atomically with fixed formatting, so equal records always give byte-identical files.
"""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ..atomic import atomic_write
from ..errors import DataError

MOTION_TOKEN = "<motion>"
VIDEO_TOKEN = "<video>"
ROLES = ("human", "gpt")  # turns alternate in this order
MARKERS = {"motion": MOTION_TOKEN, "video": VIDEO_TOKEN}  # media field → its marker in the text
RECORD_KEYS = ("id", "motion", "video", "conversations", "meta")  # also the order written
TURN_FORM = '{"from": "human" | "gpt", "value": text}'


def _show(value: Any) -> str:
    """A short description of a found value for error messages."""
    return "missing" if value is None else repr(value)[:80]


@dataclass(frozen=True)
class Turn:
    """One conversation turn. role: "human" or "gpt"; text: markers may appear in human turns only."""

    role: str
    text: str

    def to_json(self) -> dict[str, str]:
        return {"from": self.role, "value": self.text}


def _parse_turn(raw: Any, i: int, where: str) -> Turn:
    if not isinstance(raw, dict) or set(raw) != {"from", "value"}:
        raise DataError(f"{where}: conversations[{i}] is {_show(raw)}; expected {TURN_FORM}")
    if raw["from"] not in ROLES:
        raise DataError(f"{where}: conversations[{i}].from is {raw['from']!r}; accepted: 'human', 'gpt'")
    if not isinstance(raw["value"], str):
        raise DataError(f"{where}: conversations[{i}].value is {_show(raw['value'])}; expected a string")
    return Turn(raw["from"], raw["value"])


def _parse_conversations(raw: Any, where: str) -> tuple[Turn, ...]:
    """Turns alternating human, gpt, ..., starting with human and ending with a gpt answer."""
    if not isinstance(raw, list) or not raw:
        raise DataError(f"{where}: field 'conversations' is {_show(raw)}; expected a non-empty list of {TURN_FORM}")
    turns = tuple(_parse_turn(t, i, where) for i, t in enumerate(raw))
    for i, turn in enumerate(turns):
        if turn.role != ROLES[i % 2]:
            raise DataError(f"{where}: conversations[{i}].from is {turn.role!r} where {ROLES[i % 2]!r} is expected; "
                            "turns alternate human, gpt, human, ... starting with human")
    if turns[-1].role != "gpt":
        raise DataError(f"{where}: conversations end with a human turn; every human turn needs a gpt answer")
    return turns


def _parse_media(obj: dict, key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise DataError(f"{where}: field {key!r} is {_show(value)}; expected a relative path string")
    return value


def _check_markers(conversations: tuple[Turn, ...], media: dict[str, str | None], where: str) -> None:
    """Each given media field has exactly one marker in the human turns, except that a video beside a motion may
    have none (it then only feeds the motion enhancer, as in the docs' example); gpt turns carry none."""
    for i, turn in enumerate(conversations):
        found = [m for m in MARKERS.values() if m in turn.text]
        if turn.role == "gpt" and found:
            raise DataError(f"{where}: conversations[{i}] (gpt) contains {found[0]}; markers go in human turns only")
    human = "\n".join(t.text for t in conversations if t.role == "human")
    for key, marker in MARKERS.items():
        count = human.count(marker)
        if media[key] is None and count:
            raise DataError(f"{where}: the text contains {marker} but field {key!r} is missing; "
                            f'add "{key}": "relative/path" or remove the marker')
        optional = key == "video" and media["motion"] is not None
        if media[key] is not None and (count > 1 or count == 0 and not optional):
            raise DataError(f"{where}: field {key!r} is given but the human turns hold {count} {marker} markers; "
                            f"put exactly one where the {key} goes, e.g. \"{marker}\\nWhat happens?\"")


@dataclass(frozen=True)
class Record:
    """One dataset example. motion/video: paths relative to the dataset file's folder (at least one);
    meta: free-form labels such as {"task": "count", "answer": "4"}, used by evaluation."""

    id: str
    conversations: tuple[Turn, ...]
    motion: str | None = None
    video: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, hash=False)

    def _first_text(self, role: str) -> str:
        for turn in self.conversations:
            if turn.role == role:
                return turn.text
        raise DataError(f"record {self.id!r} has no {role} turn")

    @property
    def question(self) -> str:
        """The first human turn without its markers and surrounding whitespace."""
        text = self._first_text("human")
        for marker in MARKERS.values():
            text = text.replace(marker, "")
        return text.strip()

    @property
    def answer(self) -> str:
        """The first gpt turn."""
        return self._first_text("gpt")

    def to_json(self) -> dict[str, Any]:
        """The JSON object, keys in RECORD_KEYS order; absent media and empty meta are left out."""
        obj: dict[str, Any] = {"id": self.id, "motion": self.motion, "video": self.video,
                               "conversations": [t.to_json() for t in self.conversations], "meta": dict(self.meta)}
        return {k: v for k, v in obj.items() if v is not None and v != {}}

    @classmethod
    def from_json(cls, obj: Any, source: str, index: int | None = None) -> "Record":
        """Validate one JSON object. source: the file, for messages; index: the record's position in it."""
        where = f"{source}: record" + ("" if index is None else f" #{index}")
        if not isinstance(obj, dict):
            raise DataError(f"{where} is {_show(obj)}; expected an object with keys {RECORD_KEYS}")
        unknown = sorted(set(obj) - set(RECORD_KEYS))
        if unknown:
            raise DataError(f"{where}: unknown field(s) {unknown}; accepted: {RECORD_KEYS}")
        if not isinstance(obj.get("id"), str) or not obj["id"]:
            raise DataError(f"{where}: field 'id' is {_show(obj.get('id'))}; expected a non-empty string")
        where = f"{source}: record {obj['id']!r}"
        media = {key: _parse_media(obj, key, where) for key in MARKERS}
        if all(v is None for v in media.values()):
            raise DataError(f"{where}: neither 'motion' nor 'video' is given; a record needs at least one")
        meta = obj.get("meta", {})
        if not isinstance(meta, dict):
            raise DataError(f"{where}: field 'meta' is {_show(meta)}; expected an object like {{'task': 'count'}}")
        conversations = _parse_conversations(obj.get("conversations"), where)
        _check_markers(conversations, media, where)
        return cls(id=obj["id"], conversations=conversations, meta=meta, **media)


def _check_relative(rel: Any, source: str) -> None:
    if not isinstance(rel, str) or not rel.strip():
        raise DataError(f"{source}: media path {rel!r} is empty; expected a relative path like 'motions/x.npy'")
    if "\\" in rel:
        raise DataError(f"{source}: media path {rel!r} contains a backslash; use '/' separators")
    if PurePosixPath(rel).is_absolute() or PureWindowsPath(rel).drive:
        raise DataError(f"{source}: media path {rel!r} is absolute; paths are relative to the dataset folder")


def resolve_media(root: Path, rel: str, source: str, must_exist: bool = True) -> Path:
    """The absolute path of `rel` inside the dataset folder `root`, symlinks followed; DataError if it leaves
    `root`, is not a plain relative path, or (with must_exist) is not an existing file."""
    _check_relative(rel, source)
    try:
        root, path = Path(root).resolve(), (Path(root) / rel).resolve()
    except (OSError, RuntimeError) as err:  # symlink loops
        raise DataError(f"{source}: media path {rel!r} cannot be resolved ({err})") from err
    if not path.is_relative_to(root):
        raise DataError(f"{source}: media path {rel!r} resolves to {path}, outside the dataset folder {root}")
    if must_exist and not path.is_file():
        raise DataError(f"{source}: media file {rel!r} not found under {root}; "
                        "paths are relative to the dataset folder")
    return path


def _check_unique_ids(records: list[Record], source: str) -> None:
    repeated = sorted(rid for rid, n in Counter(r.id for r in records).items() if n > 1)
    if repeated:
        raise DataError(f"{source}: {len(repeated)} duplicate record id(s) {repeated[:10]}; every id must be unique")


def _read_json(path: Path) -> Any:
    if not path.is_file():
        raise DataError(f"{path}: no such dataset file; expected a JSON list of records")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataError(f"{path}: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}") from err
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err


def load_records(path: str | Path, check_media: bool = True) -> list[Record]:
    """Read and validate a dataset file. Media paths must stay inside the file's folder, and with
    check_media each must name an existing file."""
    path = Path(path)
    data = _read_json(path)
    if not isinstance(data, list):
        raise DataError(f"{path}: the top level is a JSON {type(data).__name__}; expected a list of records")
    records = [Record.from_json(obj, str(path), index=i) for i, obj in enumerate(data)]
    _check_unique_ids(records, str(path))
    for record in records:
        for key in MARKERS:
            rel = getattr(record, key)
            if rel is not None:
                resolve_media(path.parent, rel, f"{path}: record {record.id!r}, field {key!r}", check_media)
    return records


def save_records(records: Iterable[Record], path: str | Path) -> Path:
    """Validate and write records as a JSON list, atomically (temp file in the same folder + rename)."""
    path = Path(path)
    records = [Record.from_json(r.to_json(), f"{path} (writing)") for r in records]
    _check_unique_ids(records, str(path))
    try:
        text = json.dumps([r.to_json() for r in records], indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    except (TypeError, ValueError) as err:
        raise DataError(f"{path}: a meta value is not JSON ({err}); use str, int, float, bool, list or dict") from err
    return atomic_write(path, lambda f: f.write(text.encode("utf-8")))
