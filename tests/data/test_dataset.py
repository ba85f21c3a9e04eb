"""The conversation dataset: picking tasks (task_repeat, tasks: the repeats, the filter, and the errors for a bad
request), reading videos for the video encoder, and batching samples with and without one."""

import numpy as np
import pytest
import torch

from llamo.data.collate import Example, collate
from llamo.data.dataset import ConversationDataset
from llamo.data.schema import Record, Turn, save_records
from llamo.errors import ConfigError, DataError
from llamo.train.config import TrainConfig
from tests.conftest import walking_joints


class FakeProcessor:
    """The processor's interface the dataset uses, without a tokenizer."""

    describe = None

    def encode(self, conversations, num_frames, motion_text=None, motion_frames=None):
        return Example([1], [1], [True])


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


def test_videos_are_read_once_and_only_when_asked_for(tmp_path):
    media = [("v.mp4", "m.npy"), (None, "m.npy"), ("v.mp4", None)]  # (video, motion) of each record
    records = [Record(id=f"q{i}", meta={"task": "count", "answer": "1"}, video=video, motion=motion,
                      conversations=(Turn("human", f"<{'motion' if motion else 'video'}>\nHow many?"),
                                     Turn("gpt", "1")))
               for i, (video, motion) in enumerate(media)]
    path = str(save_records(records, tmp_path / "qa.json"))
    np.save(tmp_path / "m.npy", walking_joints(5))
    (tmp_path / "v.mp4").write_bytes(b"")  # `frames` below stands in for decoding it
    reads = []

    def frames(video):
        reads.append(video)
        return torch.zeros(4, 3, 8, 8)

    def featurize(motion):
        return torch.zeros(motion.num_frames, 2)

    dataset = ConversationDataset([path], processor=FakeProcessor(), featurize=featurize, frames=frames)
    assert [None if e.video is None else tuple(e.video.shape) for e in map(dataset.__getitem__, range(3))] == [
        (4, 3, 8, 8), None, (4, 3, 8, 8)]
    assert reads == [tmp_path / "v.mp4"]  # resolved inside the folder, read once
    assert ConversationDataset([path], processor=FakeProcessor(), featurize=featurize)[0].video is None


def test_a_sample_keeps_its_motions_own_frame_count_when_the_features_are_a_subsample(tmp_path):
    path = question_file(tmp_path, ["count"])
    np.save(tmp_path / "m.npy", walking_joints(50))
    dataset = ConversationDataset([path], processor=FakeProcessor(), featurize=lambda m: torch.zeros(20, 2))
    sample = dataset[0]
    assert (len(sample.motion), sample.motion_frames) == (20, 50)
    assert collate([sample], pad_id=0)["motion_frames"].tolist() == [50]


@pytest.mark.parametrize("pick", [{"task_repeat": {"count": 2}}, {"tasks": ["count"]}])
def test_task_picks_are_for_question_stages(pick):
    with pytest.raises(ConfigError, match="task_repeat and tasks pick question records"):
        TrainConfig(stage="encoder", out="x", data=["d.json"], **pick)


def test_a_batch_with_videos_on_some_samples_masks_the_others_out():
    with_video = Example([1, 2], [1, 2], [True, True], motion=torch.zeros(3, 2), video=torch.ones(4, 3, 8, 8))
    without = Example([1], [1], [True], motion=torch.zeros(5, 2))
    batch = collate([without, with_video], pad_id=0)
    assert batch["video"].shape == (2, 4, 3, 8, 8)
    assert batch["video_mask"].tolist() == [[False] * 4, [True] * 4]
    assert batch["video"][0].abs().sum() == 0
