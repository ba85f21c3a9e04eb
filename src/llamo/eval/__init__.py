"""Evaluation: answer normalisation, pure metrics, judges, sentence embeddings and reports (STYLE.md §15)."""

from .embeddings import MiniLMEmbedder
from .judges import Judge, Judgement, OfflineJudge, OpenAIJudge, parse_judgement
from .kinds import off_kind
from .metrics import (
    accuracy_by_task,
    caption_similarity,
    counting_metrics,
    judged_metrics,
)
from .normalize import extract_number, matches, normalize_answer
from .report import compare, write_report

__all__ = [
    "Judge", "Judgement", "MiniLMEmbedder", "OfflineJudge", "OpenAIJudge", "accuracy_by_task", "caption_similarity",
    "compare", "counting_metrics", "extract_number", "judged_metrics", "matches", "normalize_answer",
    "off_kind", "parse_judgement", "write_report",
]
