#!/bin/bash
# The counting chain of docs/results/own_data_cpu.md ("Counting needs a sum"), on the seven folder:
#   a fresh Cross Talker with sum_context on a trained encoder -> a read-out on the count questions only ->
#   a read-out on all questions (count x4) -> instruction tuning -> eval on a fixed 300-question sample.
# Usage: bash experiments/counting.sh ENCODER_RUN OUT [INSTRUCT_STEPS]
#   ENCODER_RUN: a finished encoder stage of the seven folder with its cache beside it, e.g.
#   runs/cmp7ro/cross_talker/seed0 (from `llamo train --data data/seven`); OUT: a new folder.
# Each stage is skipped when its model folder exists, so a stopped chain resumes.
set -e
src=$1; d=$2; steps=${3:-726}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} HF_HUB_OFFLINE=1
cache=$src/encoder_cache
mkdir -p "$d"
[ -d "$d/init" ] || python experiments/rewire.py "$src/encoder/model" "$d/init" sum_context=true
[ -d "$d/count/model" ] || llamo train --config cpu/align_readout 'data=[data/seven/train.json]' 'tasks=[count]' \
  init_from="$d/init" encoder_cache="$cache" out="$d/count" steps=726
python experiments/readout_acc.py --run "$d/count" --cache "$cache" --test data/seven/eval300.json
[ -d "$d/readout/model" ] || llamo train --config cpu/align_readout 'data=[data/seven/train.json]' \
  'task_repeat={count: 4}' init_from="$d/count/model" encoder_cache="$cache" out="$d/readout" steps=726
python experiments/readout_acc.py --run "$d/readout" --cache "$cache" --test data/seven/eval300.json
[ -d "$d/instruct/model" ] || llamo train --config cpu/instruct 'data=[data/seven/train.json]' \
  init_from="$d/readout/model" encoder_cache="$cache" out="$d/instruct" steps="$steps"
llamo eval --model "$d/instruct/model" --data data/seven/eval300.json --out "$d/eval" --batch-size 16
