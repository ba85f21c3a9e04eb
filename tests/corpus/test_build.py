"""The open corpus build: deterministic, its splits disjoint as the card claims, its answers read off the motion."""

import json

import numpy as np
import pytest

from llamo.cli import main
from llamo.corpus import CorpusConfig, build_corpus
from llamo.corpus.form import measure_form
from llamo.corpus.phrasing import is_held_out
from llamo.corpus.plan import HELD_OUT_COMBOS, SPLITS
from llamo.corpus.real import HELD_OUT_CLIPS, HELD_OUT_PHASE
from llamo.data.build import is_test_composition
from llamo.data.schema import load_records
from llamo.data.splits import split_files
from llamo.errors import DataError

SCALE = 0.02


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(CorpusConfig(out=tmp_path_factory.mktemp("open") / "open", scale=SCALE, seed=3))


def records(folder, split):
    return load_records(folder / f"{split}.json")


def timelines(folder, split):
    data = json.loads((folder / "timelines.json").read_text())
    return {mid: t for mid, t in data.items() if mid.rsplit("_", 1)[0] == split}


def shown_pairs(timeline):
    """(action, parameter, value) of every synthetic piece and arm overlay in a motion."""
    for event in timeline["events"]:
        if not event["real"]:
            for key in ("side", "direction"):
                yield event["action"], key, event[key]


def test_a_small_build_is_deterministic(corpus, tmp_path):
    again = build_corpus(CorpusConfig(out=tmp_path / "again", scale=SCALE, seed=3))
    names = sorted(p.name for p in corpus.glob("*.json")) + ["card.md"]
    assert names == sorted(p.name for p in again.glob("*.json")) + ["card.md"]
    for name in names:
        assert (corpus / name).read_bytes() == (again / name).read_bytes(), name
    motion = max((corpus / "motions").iterdir()).name
    assert (corpus / "motions" / motion).read_bytes() == (again / "motions" / motion).read_bytes()


def test_split_files_follow_the_trainer_naming_rule(corpus):
    assert split_files(corpus, "train") == [corpus / "captions_train.json", corpus / "train.json"]
    assert [f.stem for f in split_files(corpus, "test")] == sorted(s for s in SPLITS if s != "train")
    card = json.loads((corpus / "card.json").read_text())
    assert card["records"] == {s: len(records(corpus, s)) for s in SPLITS}


def test_every_training_motion_has_one_caption_its_describe_answer(corpus):
    captions = load_records(corpus / "captions_train.json")
    trained = records(corpus, "train")
    assert sorted(r.motion for r in captions) == sorted({r.motion for r in trained})
    described = {r.motion: r.meta["answer"] for r in trained if r.meta["task"] == "describe"}
    assert described
    for r in captions:
        assert r.meta["task"] == "caption" and r.conversations[0].text.startswith("<motion>\n")
        assert r.conversations[1].text == r.meta["answer"] and r.meta["answer"].startswith("The person ")
        assert described.get(r.motion, r.meta["answer"]) == r.meta["answer"]


def test_lengths_stay_within_2_to_40_seconds(corpus):
    for split in SPLITS:
        for mid, t in timelines(corpus, split).items():
            assert 2 * 20 <= t["frames"] <= 40 * 20, (mid, t["frames"])
            assert np.load(corpus / "motions" / f"{mid}.npy").shape == (t["frames"], 22, 3)
    assert np.median([t["frames"] for t in timelines(corpus, "test_long").values()]) >= 20 * 20


def test_no_held_out_phrasing_is_trained_and_new_phrasing_uses_only_them(corpus):
    train = records(corpus, "train")
    assert not any(is_held_out(kind, (int(t), int(s))) for kind, t, s in
                   (r.meta["phrasing"].split("/") for r in train))
    novel = records(corpus, "test_new_phrasing")
    assert novel and all(is_held_out(kind, (int(t), int(s))) for kind, t, s in
                         (r.meta["phrasing"].split("/") for r in novel))
    trained_texts = {r.question for r in train}
    assert not any(r.question in trained_texts for r in novel)


def test_held_out_combos_appear_only_in_new_combo_and_are_what_it_asks_about(corpus):
    for split in SPLITS:
        if split != "test_new_combo":
            shown = {p for t in timelines(corpus, split).values() for p in shown_pairs(t)}
            assert not shown & set(HELD_OUT_COMBOS), split
    combo = timelines(corpus, "test_new_combo")
    assert all(set(shown_pairs(t)) & set(HELD_OUT_COMBOS) for t in combo.values())
    combo_actions = {a for a, _, _ in HELD_OUT_COMBOS}
    assert all(r.meta["subject"] in combo_actions for r in records(corpus, "test_new_combo"))


def test_real_split_is_only_real_and_only_held_out_real(corpus):
    for t in timelines(corpus, "test_real").values():
        assert all(e["real"] for e in t["events"])
        specs = [p["real"] for p in t["pieces"]]
        actions = tuple(p["action"] for p in t["pieces"])
        assert (any(s["clip"] in HELD_OUT_CLIPS or s["phase"] >= HELD_OUT_PHASE for s in specs)
                or (len(actions) > 1 and is_test_composition(actions)))
    for split in (s for s in SPLITS if s != "test_real"):
        for t in timelines(corpus, split).values():
            specs = [p["real"] for p in t["pieces"] if p["real"]]
            assert not any(s["clip"] in HELD_OUT_CLIPS or s["phase"] >= HELD_OUT_PHASE for s in specs)


def test_when_and_form_answers_follow_from_the_motion(corpus):
    checked = 0
    for split in ("train", "test_seen", "test_long"):
        lines = timelines(corpus, split)
        for r in records(corpus, split):
            events = [e for e in lines[r.meta["motion_id"]]["events"] if e["action"] == r.meta.get("subject")]
            if r.meta["task"] == "when":
                assert r.meta["span"] == [round(events[0]["start"] / 20, 2), round(events[0]["end"] / 20, 2)]
            if r.meta["task"] == "form":
                e = events[0]
                joints = np.load(corpus / "motions" / f"{r.meta['motion_id']}.npy").astype(np.float64)
                spans = tuple(tuple(s) for s in e["spans"])
                assert measure_form(joints, e["action"], spans, e["side"], e["direction"])[r.meta["kind"]] == r.answer
                checked += 1
    assert checked > 0


def test_error_paths_are_clear(corpus, tmp_path, capsys):
    with pytest.raises(DataError, match="not empty"):
        build_corpus(CorpusConfig(out=corpus, scale=SCALE))
    with pytest.raises(DataError, match="--scale 0"):
        build_corpus(CorpusConfig(out=tmp_path / "x", scale=0))
    assert main(["data", "build", "--out", str(tmp_path / "y"), "--scale", "0.5"]) == 2
    assert "--corpus open only" in capsys.readouterr().err
