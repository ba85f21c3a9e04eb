"""Picking tasks in the conversation dataset (task_repeat, tasks): the repeats, the filter, and the errors for a
bad request."""

import pytest

from llamo.data.dataset import ConversationDataset
from llamo.data.schema import Record, Turn, save_records
from llamo.errors import ConfigError, DataError
from llamo.train.config import TrainConfig


def question_file(folder, tasks):
    records = [Record(id=f"q{i}", meta={"task": task, "answer": "1"}, motion="m.npy",
                      conversations=(Turn("human", "<motion>\nHow many?"), Turn("gpt", "1")))
               for i, task in enumerate(tasks)]
    (folder / "m.npy").write_bytes(b"")  # the records are never read as motions here
    return str(save_records(records, folder / "qa.json"))


def test_repeated_tasks_appear_that_many_times(tmp_path):
    path = question_file(tmp_path, ["count", "speed", "count"])
    dataset = ConversationDataset([path], processor=None, featurize=None, task_repeat={"count": 3})
    assert [r.id for _, r in dataset.records] == ["q0", "q0", "q0", "q1", "q2", "q2", "q2"]
    assert len(ConversationDataset([path], processor=None, featurize=None)) == 3


@pytest.mark.parametrize("repeat", [{"cuont": 2}, {"count": 0}, {"count": 1.5}])
def test_a_bad_task_repeat_is_refused(tmp_path, repeat):
    path = question_file(tmp_path, ["count", "speed"])
    with pytest.raises(DataError, match="task_repeat .*accepted: a task the records have \\(\\['count', 'speed'\\]\\)"):
        ConversationDataset([path], processor=None, featurize=None, task_repeat=repeat)


def test_tasks_keeps_only_those_records_then_repeats(tmp_path):
    path = question_file(tmp_path, ["count", "speed", "count", "side"])
    dataset = ConversationDataset([path], processor=None, featurize=None, tasks=["count", "side"],
                                  task_repeat={"count": 2})
    assert [r.id for _, r in dataset.records] == ["q0", "q0", "q2", "q2", "q3"]
    assert len(ConversationDataset([path], processor=None, featurize=None, tasks=[])) == 4


def test_a_task_no_record_has_is_refused(tmp_path):
    path = question_file(tmp_path, ["count", "speed"])
    with pytest.raises(DataError, match=r"tasks \['cuont'\]: no record has them; accepted: .*\['count', 'speed'\]"):
        ConversationDataset([path], processor=None, featurize=None, tasks=["count", "cuont"])


@pytest.mark.parametrize("pick", [{"task_repeat": {"count": 2}}, {"tasks": ["count"]}])
def test_task_picks_are_for_question_stages(pick):
    with pytest.raises(ConfigError, match="task_repeat and tasks pick question records"):
        TrainConfig(stage="encoder", out="x", data=["d.json"], **pick)
