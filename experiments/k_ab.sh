#!/bin/bash
# Issue 13/15 (docs/corpus.md): is K the ceiling? From the continuation's 25 % snapshot, 400 instruct steps with K = 16 and with
# K = 32 (same data, seed, schedule), each scored on a stratified sample of its training questions (fit300) and
# on test_seen's sample.
cd /work/main
export HF_HUB_OFFLINE=1 OMP_NUM_THREADS=2 PYTHONDONTWRITEBYTECODE=1
S=runs/open+mocapqa3/instruct/snapshots/step_0001730
for K in 16 32; do
  llamo train --config cpu/instruct init_from=$S out=runs/k_ab/k$K steps=400 seed=0 num_tokens=$K \
    "data=[data/open/train.json,data/mocapqa/qa_train.json,data/mocapqa/qa_train_estimated.json]" \
    encoder_cache=runs/open+mocapqa3/encoder_cache
done
for K in 16 32; do
  llamo eval --model runs/k_ab/k$K/model --data data/open/fit300.json data/open/seen300.json --out runs/k_ab/eval_k$K
done
