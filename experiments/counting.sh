#!/bin/bash
# The counting chain of docs/results/own_data_cpu.md ("Counting needs a sum"), on a generated QA folder:
#   a fresh Cross Talker with sum_context on a trained encoder -> a read-out on the count questions only ->
#   a read-out on all questions (count x4) -> instruction tuning -> eval on a fixed 300-question sample.
# Usage: bash experiments/counting.sh ENCODER_RUN OUT [DATA] [INSTRUCT_STEPS] [INSTRUCT_OVERRIDE ...]
#   ENCODER_RUN: a finished encoder stage of DATA's train.json with its cache folder beside it, e.g.
#   runs/cmp7ro/cross_talker/seed0 (from `llamo train --data data/seven`); OUT: a new folder; DATA: the folder
#   (data/seven), which needs eval300.json (experiments/sample_eval.py); INSTRUCT_OVERRIDE: more `key=value`
#   for the instruction stage, e.g. 'lr_scale={connector: 0.1, enhancer: 0.1}'. TALKER: the fresh Cross Talker's
#   fields (default "sum_context=true"; e.g. TALKER="sum_context=true sum_value=change").
# Each stage is skipped when its model folder exists, so a stopped chain resumes.
set -e
src=$1; d=$2; data=${3:-data/seven}; steps=${4:-726}; shift $(( $# < 4 ? $# : 4 ))
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} HF_HUB_OFFLINE=1
cache=$src/encoder_cache
mkdir -p "$d"
[ -d "$d/init" ] || python experiments/rewire.py "$src/encoder/model" "$d/init" ${TALKER:-sum_context=true}
[ -d "$d/count/model" ] || llamo train --config cpu/align_readout "data=[$data/train.json]" 'tasks=[count]' \
  init_from="$d/init" encoder_cache="$cache" out="$d/count" steps=726
python experiments/readout_acc.py --run "$d/count" --cache "$cache" --test $data/eval300.json
[ -d "$d/readout/model" ] || llamo train --config cpu/align_readout "data=[$data/train.json]" \
  'task_repeat={count: 4}' init_from="$d/count/model" encoder_cache="$cache" out="$d/readout" steps=726
python experiments/readout_acc.py --run "$d/readout" --cache "$cache" --test $data/eval300.json
[ -d "$d/instruct/model" ] || llamo train --config cpu/instruct "data=[$data/train.json]" \
  init_from="$d/readout/model" encoder_cache="$cache" out="$d/instruct" steps="$steps" "$@"
llamo eval --model "$d/instruct/model" --data $data/eval300.json --out "$d/eval" --batch-size 16
