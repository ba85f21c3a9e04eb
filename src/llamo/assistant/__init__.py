"""Using a trained model: the Assistant API (ask, stream, chat) and the shipped default model."""

from .assistant import DEFAULT_MODEL, Answer, Assistant, Chat, Reply
from .inputs import VIDEO_SUFFIXES, Clock, Subject, clock_frames, to_subject

__all__ = ["DEFAULT_MODEL", "VIDEO_SUFFIXES", "Answer", "Assistant", "Chat", "Clock", "Reply", "Subject",
           "clock_frames", "to_subject"]
