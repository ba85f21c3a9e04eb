"""Judges for open-ended QA (MoVid-Bench style), behind one `Judge` protocol.

Protocol of Video-ChatGPT (Maaz et al., 2023, quantitative_evaluation/evaluate_*_qa.py): a judge gets the
question, the reference and the prediction and returns {"pred": "yes"|"no", "score": 0–5}. `OpenAIJudge`
asks any OpenAI-compatible /chat/completions endpoint with that prompt (urllib, temperature 0);
`OfflineJudge` is a deterministic stand-in that needs no network.
"""

import ast
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..errors import ConfigError
from .normalize import matches, normalize_answer
from .similarity import row_cosine

# Video-ChatGPT's prompt, verbatim (its typos included) so judged numbers stay comparable.
SYSTEM_PROMPT = (
    "You are an intelligent chatbot designed for evaluating the correctness of generative outputs for "
    "question-answer pairs. Your task is to compare the predicted answer with the correct answer and determine "
    "if they match meaningfully. Here's how you can accomplish the task:\n------\n##INSTRUCTIONS: \n"
    "- Focus on the meaningful match between the predicted answer and the correct answer.\n"
    "- Consider synonyms or paraphrases as valid matches.\n"
    "- Evaluate the correctness of the prediction compared to the answer."
)
USER_PROMPT = (
    "Please evaluate the following video-based question-answer pair:\n\n"
    "Question: {question}\nCorrect Answer: {reference}\nPredicted Answer: {prediction}\n\n"
    "Provide your evaluation only as a yes/no and score where the score is an integer value between 0 and 5, "
    "with 5 indicating the highest meaningful match. Please generate the response in the form of a Python "
    "dictionary string with keys 'pred' and 'score', where value of 'pred' is  a string of 'yes' or 'no' and "
    "value of 'score' is in INTEGER, not STRING.DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only provide "
    "the Python dictionary string. For example, your response should look like this: {{'pred': 'yes', 'score': 4.8}}."
)
MAX_SCORE = 5.0
OFFLINE_YES_COSINE = 0.8  # OfflineJudge says "yes" from this embedding similarity up


@dataclass(frozen=True)
class Judgement:
    """One verdict. pred: "yes" or "no"; score: 0–5, higher is a closer meaningful match."""

    pred: str
    score: float


class Judge(Protocol):
    """Anything that grades a prediction against a reference answer to a question."""

    def judge(self, question: str, reference: str, prediction: str) -> Judgement: ...


def parse_judgement(reply: str) -> Judgement | None:
    """The verdict in a judge's reply: the first {...} read as a Python literal with 'pred' yes/no and a numeric
    'score' (clipped to 0–5); None if there is no such dict."""
    found = re.search(r"\{.*?\}", reply, re.DOTALL)
    try:
        verdict = ast.literal_eval(found.group(0)) if found else None
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not isinstance(verdict, dict):
        return None
    pred, score = str(verdict.get("pred", "")).strip().lower(), verdict.get("score")
    if pred not in ("yes", "no") or isinstance(score, bool) or not isinstance(score, (int, float)):
        return None
    return Judgement(pred, float(np.clip(score, 0.0, MAX_SCORE)))


class OpenAIJudge:
    """A judge LLM behind an OpenAI-compatible endpoint. base_url: up to and including the version, e.g.
    "http://localhost:8000/v1"; model: the served model name; api_key: sent as a Bearer token when given.
    Malformed replies become Judgement("no", 0) and are counted in `parse_failures`."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 30):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model, self.api_key, self.timeout = model, api_key, timeout
        self.parse_failures = 0

    def _request(self, question: str, reference: str, prediction: str) -> urllib.request.Request:
        user = USER_PROMPT.format(question=question, reference=reference, prediction=prediction)
        body = {"model": self.model, "temperature": 0,
                "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]}
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return urllib.request.Request(self.url, data=json.dumps(body).encode(), headers=headers, method="POST")

    def _complete(self, request: urllib.request.Request) -> str | None:
        """The reply text, or None when the response is not a chat completion."""
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as err:
            raise ConfigError(f"judge endpoint {self.url} answered HTTP {err.code} ({err.reason}); "
                              "check the judge base_url, model and api_key") from err
        except urllib.error.URLError as err:
            raise ConfigError(f"judge endpoint {self.url} is unreachable ({err.reason}); "
                              "check the judge base_url or use the offline judge") from err
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        try:
            content = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            return None
        return content if isinstance(content, str) else None

    def judge(self, question: str, reference: str, prediction: str) -> Judgement:
        reply = self._complete(self._request(question, reference, prediction))
        verdict = parse_judgement(reply) if reply is not None else None
        if verdict is None:
            self.parse_failures += 1
            return Judgement("no", 0.0)
        return verdict


class OfflineJudge:
    """A deterministic judge without network. "yes" when `normalize.matches` holds or, given an `embed`
    function (list of texts → [N, D]), the reference and prediction have cosine ≥ 0.8. Score: 5 for an exact
    normalised match, else round(5 · max(0, cosine)), or 0 without `embed`."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray] | None = None):
        self.embed = embed

    def _cosine(self, reference: str, prediction: str) -> float | None:
        if self.embed is None:
            return None
        vectors = np.asarray(self.embed([reference, prediction]))  # [2, D]
        return float(row_cosine(vectors[:1], vectors[1:])[0])

    def judge(self, question: str, reference: str, prediction: str) -> Judgement:
        if normalize_answer(prediction) == normalize_answer(reference):
            return Judgement("yes", MAX_SCORE)
        cosine = self._cosine(reference, prediction)
        close = cosine is not None and cosine >= OFFLINE_YES_COSINE
        score = 0.0 if cosine is None else float(round(MAX_SCORE * max(0.0, cosine)))
        return Judgement("yes" if matches(prediction, reference) or close else "no", score)
