"""Setting realistic expectations: when the agent promises further action, does it say when?

N/A when no agent message announces pending work (`pending` phrases such as "I'll check",
"we will send"); otherwise 1 when some agent message gives a timeline (`timeline` phrases or a
number of minutes/hours/days), 0 when the promise is left open-ended.
"""

from __future__ import annotations

from scoring.detectors.base import detector
from scoring.outcomes import not_applicable, outcome
from scoring.params import DetectorParams, Field, Phrases


class Params(DetectorParams):
    pending: Phrases = Field(description="the agent announcing pending work")
    timeline: Phrases = Field(description="a timeline (when it will happen)")


@detector("expectation_setting", Params)
def expectation_setting(signals, params: Params):
    if not signals.agent:
        return not_applicable("no agent reply to judge")
    promise = params.pending.first_match(signals, signals.agent)
    if promise is None:
        return not_applicable("the agent announced no pending action, so no timeline was needed")
    found = params.timeline.search(signals, signals.agent, limit=2)
    if found:
        return outcome(
            1.0, f"agent promised action and gave a timeline: “{found[0].quote}”", [promise, *found]
        )
    return outcome(0.0, f"agent promised action (“{promise.quote}”) without saying when", [promise])
