"""Service time of a logged request: its own duration when the log has one, else its tokens through the model's
throughput, else nothing (the model's distribution draws one).

Why prompt tokens/s and output tokens/s per slot: an LLM request runs in two phases with different costs (the
Splitwise paper that published the Azure log is about exactly this). The prompt is read in one parallel pass
(prefill, compute-bound: thousands of tokens a second), then the answer is written one token per step (decode,
memory-bound: tens of tokens a second for each sequence in the batch). Time = prompt / prefill rate + output /
decode rate captures both with two numbers a supplier's data sheet or a load test gives; a single tokens/s figure
would price a long prompt like a long answer, which is off by two orders of magnitude. "Per slot" because a slot
is one request served at a time: the batch's concurrency is the model's slot count.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Throughput:
    prompt_tokens_per_s: float
    output_tokens_per_s: float

    def service_ms(self, prompt_tokens: int | None, output_tokens: int | None) -> int | None:
        """None when the row has no token counts at all."""
        if prompt_tokens is None and output_tokens is None:
            return None
        seconds = (prompt_tokens or 0) / self.prompt_tokens_per_s + (output_tokens or 0) / self.output_tokens_per_s
        return max(1, round(seconds * 1000))

    @classmethod
    def parse(cls, text: str) -> Throughput:
        """`2000:25` (prompt tokens/s : output tokens/s)."""
        prompt, sep, output = text.partition(":")
        try:
            value = cls(float(prompt), float(output))
        except ValueError:
            value = None
        if not sep or value is None or not (0 < value.prompt_tokens_per_s < 1e9
                                            and 0 < value.output_tokens_per_s < 1e9):
            raise ValueError(f"prompt:output tokens per second per slot, both above 0, like 2000:25; found {text!r}")
        return value


def row_service_ms(duration_s: float | None, prompt_tokens: int | None, output_tokens: int | None,
                   throughput: Throughput | None) -> int | None:
    if duration_s is not None:
        return max(1, round(duration_s * 1000))
    if throughput is not None:
        return throughput.service_ms(prompt_tokens, output_tokens)
    return None
