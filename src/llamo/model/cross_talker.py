"""CrossTalker: instruction-guided selection of K motion tokens (LLaMo, "Cross Talker").

Three steps. (1) Language-guided frame selection: A = softmax_frames(F_T W_Q (F_M W_K)^T / sqrt(D_m)) with the
instruction's text tokens as queries; frame score s_j = max_i A_ij over real text tokens; keep K frames in
temporal order: the top-K overall (`selection="topk"`, as the paper) or the best-scoring frame in each of K
equal, contiguous parts of the motion (`selection="segments"`: trained top-K was measured keeping frames
from only the first third of longer clips). (2) Adaptive context aggregation: each kept frame predicts a
window ratio r_k = max_window_ratio * sigmoid(MLP(h_k)), attends locally to frames with a soft window bias
-sharpness * relu(|j - k| - r_k T_i), then to mean-pooled contiguous segments. (3) Bidirectional fusion:
text attends to the tokens, then the tokens attend to that text, then an MLP. (4) Time stamps (llamo's
option, `time_stamps=True`): each token gets an MLP embedding of where it sits, (k / T_i, k / 100, T_i / 100)
in the motion's own 20 fps frames (a clip longer than max_frames is read subsampled; its stamps still count its
own frames), since K kept frames no longer show how long the motion is or how far apart they are.
Top-K is not differentiable, so gradients reach W_Q/W_K by a straight-through multiplier:
token_k = h_k * (1 + s_k - stopgrad(s_k)): the forward value is h_k, the gradient w.r.t. s_k is h_k.
(5) llamo's options for learning from scratch in a few hundred steps (docs/decisions.md): `part_pooling` adds to
each kept frame the mean of its part (selection="segments"), a residual path through which every frame of a long
clip reaches the LLM; `zero_init` starts the output layer of every residual branch (local and global context,
fusion, MLP, time stamps) at zero, so an untrained Cross Talker hands over the kept frames unchanged and the
branches grow in as they learn. `sum_context` adds to every token a question-weighted *sum* over all frames,
sum_j sigmoid(relevance_j) * value_j / 20 (per second of motion at 20 fps): softmax attention and mean pools
average, so they cannot tell three repetitions of the named action from six; a sum can (docs/decisions.md).

Shapes: B batch, T motion frames, L text tokens, D LLM width (text input), D_m motion width,
K' = min(num_tokens, longest valid T in the batch), S segments. Masks are bool with True = valid.
"""

import math
from dataclasses import dataclass

import torch
from torch import nn

from ..motion.motion import CANONICAL_FPS
from .configuration import SUM_VALUES


@dataclass
class CrossTalkerOutput:
    """The motion tokens for the projector, and what was chosen (for analysis and the demo)."""

    tokens: torch.Tensor  # [B, K', D_m], in temporal order; zeros at padded slots
    token_mask: torch.Tensor  # [B, K'] bool, True = a real token
    indices: torch.Tensor  # [B, K'] long, the frame each token was taken from; -1 at padded slots
    scores: torch.Tensor  # [B, T] frame scores s_j; 0 at padded frames
    window_ratios: torch.Tensor  # [B, K'] r_k in (0, max_window_ratio); 0 at padded slots


def segment_membership(mask: torch.Tensor, num_segments: int) -> torch.Tensor:
    """Which of min(num_segments, T_i) contiguous, near-equal segments each valid frame lies in.

    mask [B, T] → [B, T, S] bool with S = num_segments; a segment index ≥ T_i has no frames.
    """
    lengths = mask.sum(1, keepdim=True)  # [B, 1]
    counts = lengths.clamp(max=num_segments)  # [B, 1]; never more segments than frames, so none is empty
    rank = mask.cumsum(1) - 1  # [B, T] position among the valid frames
    segment = rank * counts // lengths.clamp(min=1)  # [B, T] in [0, counts)
    return (segment[..., None] == torch.arange(num_segments, device=mask.device)) & mask[..., None]


def segment_pool(motion: torch.Tensor, mask: torch.Tensor, num_segments: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean-pool each sample's valid frames into min(num_segments, T_i) contiguous, near-equal segments.

    motion [B, T, D_m], mask [B, T] → (segments [B, S, D_m], segment mask [B, S]) with S = num_segments.
    """
    member = segment_membership(mask, num_segments).to(motion.dtype)  # [B, T, S]
    sizes = member.sum(1)  # [B, S]
    pooled = torch.einsum("bts,btd->bsd", member, motion) / sizes.clamp(min=1)[..., None]  # [B, S, D_m]
    return pooled, sizes > 0


def window_bias(
    indices: torch.Tensor, ratios: torch.Tensor, lengths: torch.Tensor, mask: torch.Tensor, sharpness: float
) -> torch.Tensor:
    """Additive local-attention bias: 0 within r_k * T_i frames of the kept frame, linear penalty beyond.

    indices [B, K'] long (valid frame indices), ratios [B, K'], lengths [B] (T_i), mask [B, T]
    → [B, K', T], -inf at padded frames.
    """
    frames = torch.arange(mask.shape[1], device=mask.device)  # [T]
    distance = (frames[None, None, :] - indices[..., None]).abs().to(ratios.dtype)  # [B, K', T]
    # A soft edge rather than a hard cut-off, so that r_k receives a gradient.
    bias = -sharpness * torch.relu(distance - ratios[..., None] * lengths[:, None, None])  # [B, K', T]
    return bias.masked_fill(~mask[:, None, :], float("-inf"))


class ChangeValue(nn.Module):
    """SumContext's per-frame value with `value="change"`: an MLP of the frame and its change from the previous
    frame, [B, T, D_m] -> [B, T, D_m]. Summed over frames, a value linear in the frame can only say how long the
    named action lasts (and so its count only when every repetition takes as long); a nonlinear function of the
    change can mark each cycle, whatever its speed (experiments/probe_sum_learned.py --value change)."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(2 * dim, dim), nn.GELU(), nn.Linear(dim, dim))

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        change = torch.cat([torch.zeros_like(frames[:, :1]), frames[:, 1:] - frames[:, :-1]], 1)  # [B, T, D_m]
        return self.mlp(torch.cat([frames, change], -1))


class SumContext(nn.Module):
    """A question-weighted sum over all valid frames: how much of what the question names the motion holds.

    relevance_j = max over real text tokens i of (text_i W_q) . (LN(h_j) W_k) / sqrt(D_m) + b, unnormalised over
    frames; context = W_o sum_j sigmoid(relevance_j) V(LN(h_j)) / fps (20). Args: dim D_m, text_dim D, value
    "frame" (V linear, as first built) or "change" (V = ChangeValue). The bias b starts at -2, so at first few
    frames count (sigmoid(-2) = 0.12) rather than half of every frame: a count probe learned faster so
    (experiments/probe_sum_learned.py: 0.625 against 0.372 exact after 25 passes).
    """

    def __init__(
        self, dim: int, text_dim: int, frames_per_second: float = CANONICAL_FPS, value: str = "frame"
    ) -> None:
        super().__init__()
        if value not in SUM_VALUES:
            raise ValueError(f"sum value={value!r}; accepted: {SUM_VALUES}")
        self.norm = nn.LayerNorm(dim)
        self.query = nn.Linear(text_dim, dim, bias=False)
        self.key = nn.Linear(dim, dim)
        self.value = nn.Linear(dim, dim) if value == "frame" else ChangeValue(dim)
        self.out = nn.Linear(dim, dim)
        self.bias = nn.Parameter(torch.tensor(-2.0))
        self.scale = 1.0 / frames_per_second

    def forward(
        self, motion: torch.Tensor, motion_mask: torch.Tensor, text: torch.Tensor, text_mask: torch.Tensor
    ) -> torch.Tensor:
        """motion [B, T, D_m], motion_mask [B, T], text [B, L, D], text_mask [B, L] → [B, D_m]."""
        frames = self.norm(motion)  # [B, T, D_m]
        logits = self.query(text) @ self.key(frames).transpose(1, 2) / math.sqrt(frames.shape[-1])  # [B, L, T]
        relevance = logits.masked_fill(~text_mask[..., None], float("-inf")).amax(1) + self.bias  # [B, T]
        weights = torch.sigmoid(relevance) * motion_mask  # [B, T]; padded frames add nothing
        total = torch.einsum("bt,btd->bd", weights, self.value(frames)) * self.scale  # [B, D_m]
        return self.out(total)


class CrossTalker(nn.Module):
    """Select K instruction-relevant motion frames and turn them into context-rich motion tokens.

    Args:
        dim: D_m, the motion width (input and output).
        text_dim: D, the width of the instruction's text features (the LLM's embeddings).
        num_tokens: K, the most tokens handed to the LLM per motion.
        heads: attention heads; must divide `dim`.
        num_segments: segments pooled for global context (fewer when a motion has fewer frames).
        max_window_ratio: upper bound of r_k, the local window's half-width as a share of T_i.
        window_sharpness: penalty per frame outside the window, in logits.
        selection: "segments" (best frame per K equal parts) or "topk" (the K best frames anywhere).
        time_stamps: add an embedding of each token's position and the motion's length (see the module doc).
        part_pooling: add each part's mean frame to its kept frame (needs selection="segments").
        zero_init: the residual branches' output layers start at zero (see the module doc).
        sum_context: add the question-weighted sum over frames to every token (see the module doc).
        sum_value: what that sum adds up per frame: "frame" or "change" (see SumContext).
    """

    def __init__(
        self,
        dim: int,
        text_dim: int,
        num_tokens: int,
        heads: int = 4,
        num_segments: int = 8,
        max_window_ratio: float = 0.25,
        window_sharpness: float = 1.0,
        selection: str = "topk",
        time_stamps: bool = False,
        part_pooling: bool = False,
        zero_init: bool = False,
        sum_context: bool = False,
        sum_value: str = "frame",
    ) -> None:
        super().__init__()
        if selection not in ("segments", "topk"):
            raise ValueError(f"selection={selection!r}; accepted: 'segments', 'topk'")
        if part_pooling and selection != "segments":
            raise ValueError("part_pooling pools the K parts of selection='segments'; topk keeps no parts")
        self.selection, self.part_pooling = selection, part_pooling
        self.num_tokens, self.heads, self.num_segments = num_tokens, heads, num_segments
        self.max_window_ratio, self.window_sharpness = max_window_ratio, window_sharpness
        # W_Q and W_K without bias: a key bias adds the same logit to every frame, which the softmax cancels.
        self.select_query = nn.Linear(text_dim, dim, bias=False)
        self.select_key = nn.Linear(dim, dim, bias=False)
        self.window_mlp = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, 1))
        self.local_norm, self.frame_norm = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.local_attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.global_norm, self.segment_norm = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.global_attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.text_proj = nn.Linear(text_dim, dim)
        self.text_norm, self.token_norm = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.text_to_motion = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.motion_norm, self.fused_text_norm = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.motion_to_text = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.mlp_norm = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))
        self.time_mlp = nn.Sequential(nn.Linear(3, dim), nn.GELU(), nn.Linear(dim, dim)) if time_stamps else None
        self.sum_pool = SumContext(dim, text_dim, value=sum_value) if sum_context else None
        if zero_init:
            self.zero_residual_outputs()

    def zero_residual_outputs(self) -> None:
        """Zero the last layer of every branch that adds to the tokens: at first the tokens are the kept frames."""
        last_layers = [self.local_attn.out_proj, self.global_attn.out_proj, self.motion_to_text.out_proj, self.mlp[-1]]
        last_layers += [self.time_mlp[-1]] if self.time_mlp is not None else []
        last_layers += [self.sum_pool.out] if self.sum_pool is not None else []
        for layer in last_layers:
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def frame_scores(
        self, motion: torch.Tensor, motion_mask: torch.Tensor, text: torch.Tensor, text_mask: torch.Tensor
    ) -> torch.Tensor:
        """s_j = max over real text tokens i of A_ij: [B, T], 0 at padded frames."""
        query = self.select_query(text)  # [B, L, D_m]
        key = self.select_key(motion)  # [B, T, D_m]
        logits = query @ key.transpose(1, 2) / math.sqrt(key.shape[-1])  # [B, L, T]
        attention = logits.masked_fill(~motion_mask[:, None, :], float("-inf")).softmax(-1)  # [B, L, T]
        # A >= 0, so -1 puts padded text rows below every real one without creating infinities.
        scores = attention.masked_fill(~text_mask[..., None], -1.0).amax(1)  # [B, T]
        return scores.masked_fill(~motion_mask, 0.0)

    def select_frames(self, scores: torch.Tensor, motion_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """K_i = min(K, T_i) frames per sample in temporal order: (indices [B, K'], token mask [B, K'])."""
        lengths = motion_mask.sum(1)  # [B]
        k = min(self.num_tokens, int(lengths.max()))
        if self.selection == "segments":
            return self.select_per_segment(scores, motion_mask, k)
        top = scores.masked_fill(~motion_mask, float("-inf")).topk(k, dim=1).indices  # [B, K'], best first
        # topk ranks every valid frame above every padded one, so the first K_i picks are the real ones.
        token_mask = torch.arange(k, device=scores.device)[None, :] < lengths[:, None]  # [B, K']
        # Temporal order, because the LLM reads the tokens as a sequence; padded slots sort last.
        ordered = top.masked_fill(~token_mask, motion_mask.shape[1]).sort(1).values  # [B, K']
        return ordered.masked_fill(~token_mask, -1), token_mask

    def select_per_segment(
        self, scores: torch.Tensor, motion_mask: torch.Tensor, k: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The best-scoring frame in each of K_i contiguous, near-equal parts of the valid frames.

        scores [B, T], motion_mask [B, T] → (indices [B, K'], token mask [B, K']); parts are in temporal order.
        """
        member = segment_membership(motion_mask, k)  # [B, T, K']
        best = scores[..., None].masked_fill(~member, float("-inf")).argmax(1)  # [B, K']
        token_mask = member.any(1)  # [B, K']: part k exists for sample b
        return best.masked_fill(~token_mask, -1), token_mask

    def aggregate_context(
        self, tokens: torch.Tensor, indices: torch.Tensor, motion: torch.Tensor, motion_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Local windowed attention, then attention to segments: (tokens [B, K', D_m], ratios [B, K'])."""
        lengths = motion_mask.sum(1).to(tokens.dtype)  # [B]
        ratios = self.max_window_ratio * torch.sigmoid(self.window_mlp(tokens)).squeeze(-1)  # [B, K']
        bias = window_bias(indices, ratios, lengths, motion_mask, self.window_sharpness)  # [B, K', T]
        # nn.MultiheadAttention takes one [K', T] mask per (sample, head), sample-major.
        bias = bias.repeat_interleave(self.heads, 0)  # [B * heads, K', T]
        query, frames = self.local_norm(tokens), self.frame_norm(motion)
        tokens = tokens + self.local_attn(query, frames, frames, attn_mask=bias, need_weights=False)[0]
        segments, segment_mask = segment_pool(motion, motion_mask, self.num_segments)  # [B, S, D_m], [B, S]
        segments = self.segment_norm(segments)
        query = self.global_norm(tokens)
        context = self.global_attn(query, segments, segments, key_padding_mask=~segment_mask, need_weights=False)[0]
        tokens = tokens + context
        return tokens, ratios

    def fuse(
        self, tokens: torch.Tensor, token_mask: torch.Tensor, text: torch.Tensor, text_mask: torch.Tensor
    ) -> torch.Tensor:
        """Text attends to the tokens (text→motion), then the tokens to that text (motion→text), then an MLP."""
        text = self.text_proj(text)  # [B, L, D_m]
        query, kv = self.text_norm(text), self.token_norm(tokens)
        text = text + self.text_to_motion(query, kv, kv, key_padding_mask=~token_mask, need_weights=False)[0]
        kv = self.fused_text_norm(text)
        query = self.motion_norm(tokens)
        tokens = tokens + self.motion_to_text(query, kv, kv, key_padding_mask=~text_mask, need_weights=False)[0]
        return tokens + self.mlp(self.mlp_norm(tokens))  # [B, K', D_m]

    def time_embedding(self, indices: torch.Tensor, motion_mask: torch.Tensor, dtype: torch.dtype,
                       source_frames: torch.Tensor | None = None) -> torch.Tensor:
        """indices [B, K'] (valid frame indices), motion_mask [B, T], source_frames [B] → [B, K', D_m].

        The stamps count the motion's own frames: when the T_i frames read are a uniform subsample of a longer
        motion (source_frames[i] > T_i), index k stands for frame k (S_i − 1) / (T_i − 1) of S_i.
        """
        kept = motion_mask.sum(1, keepdim=True).to(dtype)  # [B, 1]
        total = kept if source_frames is None else source_frames[:, None].to(dtype)  # [B, 1]
        step = torch.where(kept > 1, (total - 1) / (kept - 1).clamp(min=1), torch.ones_like(kept))  # [B, 1]
        frames = indices.to(dtype) * step  # [B, K']
        lengths = total.expand_as(frames)  # [B, K']
        stamps = torch.stack([frames / lengths, frames / 100.0, lengths / 100.0], dim=-1)  # [B, K', 3]
        return self.time_mlp(stamps)

    def forward(
        self, motion: torch.Tensor, motion_mask: torch.Tensor, text: torch.Tensor, text_mask: torch.Tensor,
        source_frames: torch.Tensor | None = None,
    ) -> CrossTalkerOutput:
        """motion [B, T, D_m], motion_mask [B, T], text [B, L, D], text_mask [B, L] → CrossTalkerOutput.
        source_frames [B]: each motion's own frame count when motion holds a subsample of it (time stamps only).

        Every sample needs at least one valid frame and one valid text token.
        """
        scores = self.frame_scores(motion, motion_mask, text, text_mask)  # [B, T]
        indices, token_mask = self.select_frames(scores, motion_mask)  # [B, K'], [B, K']
        safe = indices.clamp(min=0)  # [B, K']; padded slots read frame 0 and are zeroed below
        kept = torch.gather(motion, 1, safe[..., None].expand(-1, -1, motion.shape[-1]))  # [B, K', D_m]
        kept_scores = torch.gather(scores, 1, safe)  # [B, K']
        # Straight-through: the value stays h_k, while d(token)/d(s_k) = h_k lets W_Q/W_K learn the selection.
        gain = (1.0 + kept_scores - kept_scores.detach()) * token_mask  # [B, K']
        tokens = kept * gain[..., None]  # [B, K', D_m]
        if self.part_pooling:
            tokens = tokens + segment_pool(motion, motion_mask, indices.shape[1])[0]  # the parts select_frames used
        tokens, ratios = self.aggregate_context(tokens, safe, motion, motion_mask)
        tokens = self.fuse(tokens, token_mask, text, text_mask)
        if self.time_mlp is not None:
            tokens = tokens + self.time_embedding(safe, motion_mask, tokens.dtype, source_frames)
        if self.sum_pool is not None:
            tokens = tokens + self.sum_pool(motion, motion_mask, text, text_mask)[:, None, :]
        return CrossTalkerOutput(
            tokens=tokens.masked_fill(~token_mask[..., None], 0.0),
            token_mask=token_mask,
            indices=indices,
            scores=scores,
            window_ratios=ratios.masked_fill(~token_mask, 0.0),
        )
