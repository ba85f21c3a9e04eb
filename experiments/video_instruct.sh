#!/bin/bash
# Issue 14 items 3-4: instruction tuning from the shipped default on MoCapQA's clean + estimated training records,
# motion only (cpu/instruct) or with the video branch added (cpu/video), then `llamo eval` on the video and the
# true-motion test files (docs/results/video_cpu.md).
# usage: experiments/video_instruct.sh NAME CONFIG STEPS [ESTIMATED_TRAIN_FILE] [VIDEO_TEST_FILE]
#   e.g. experiments/video_instruct.sh motion cpu/instruct 600
#        experiments/video_instruct.sh smooth cpu/instruct 600 estimated_records_s1.json video_s1.json
#        SEED=1 experiments/video_instruct.sh full1200s1 cpu/instruct 1200 estimated_records_full.json
set -euo pipefail
NAME=$1 CONFIG=$2 STEPS=$3 ESTIMATED=${4:-qa_train_estimated.json} VIDEO=${5:-qa_test_video.json}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} HF_HUB_OFFLINE=1  # 2 when the machine is otherwise idle
SEED=${SEED:-0}
D=data/mocapqa
llamo train --config "$CONFIG" init_from=src/llamo/assistant/default "data=[$D/qa_train.json,$D/$ESTIMATED]" \
  encoder_cache=runs/vid/encoder_cache steps="$STEPS" save_every=100 seed="$SEED" out="runs/vid/$NAME"
llamo eval --model "runs/vid/$NAME/model" --data "$D/$VIDEO" --out "runs/vid/$NAME/eval_video"
llamo eval --model "runs/vid/$NAME/model" --data "$D/qa_test.json" --out "runs/vid/$NAME/eval_motion"
