"""Responsiveness from timestamps: first response time and the longest wait for a reply.

Timing criteria are N/A (never failures) when the conversation has no timestamps. Targets are
per channel (`{chat: 60, email: 14400, default: 3600}`); the value falls linearly from 1 at the
target to 0 at `target * fail_factor`.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import duration, not_applicable, outcome
from scoring.params import DetectorParams, Field, PerChannelSeconds
from scoring.phrases import message_evidence


class Params(DetectorParams):
    targets: PerChannelSeconds = Field(description="target seconds, per channel or one number")
    fail_factor: float = Field(3.0, ge=1, description="value 0 at target x factor")


def _against_target(seconds: float, target: float, fail_factor: float) -> float:
    if seconds <= target:
        return 1.0
    worst = target * fail_factor
    if worst <= target or seconds >= worst:
        return 0.0
    return 1.0 - (seconds - target) / (worst - target)


@detector("first_response_time", Params)
def first_response_time(signals, params: Params):
    target = params.targets.for_channel(signals.channel)
    fail_factor = params.fail_factor
    if not signals.has_timestamps:
        return not_applicable("no timestamps: response time cannot be measured")
    if not signals.customer:
        return not_applicable("the customer never wrote: nothing to respond to")
    if signals.awaiting_first_reply:
        return outcome(0.0, "the customer's message was never answered by an agent")
    if signals.first_response_seconds is None:
        return not_applicable("no timestamped customer message followed by an agent reply")
    seconds = signals.first_response_seconds
    value = _against_target(seconds, target, fail_factor)
    verdict = "within" if seconds <= target else "over"
    return outcome(
        value,
        f"first agent reply after {duration(seconds)}, {verdict} the {signals.channel} "
        f"target of {duration(target)}",
        [message_evidence(signals, signals.first_response_index, 80)],
    )


@detector("reply_gap", Params)
def reply_gap(signals, params: Params):
    target = params.targets.for_channel(signals.channel)
    fail_factor = params.fail_factor
    if not signals.has_timestamps:
        return not_applicable("no timestamps: reply gaps cannot be measured")
    gap = signals.longest_reply_gap
    if gap is None:
        return not_applicable("no customer message was followed by an agent reply")
    _, agent_index, seconds = gap
    value = _against_target(seconds, target, fail_factor)
    verdict = "within" if seconds <= target else "over"
    return outcome(
        value,
        f"longest wait for an agent reply {duration(seconds)} ({len(signals.reply_gaps)} replies), "
        f"{verdict} the {signals.channel} target of {duration(target)}",
        [message_evidence(signals, agent_index, 80)],
    )
