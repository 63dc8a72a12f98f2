"""Detectors: pure functions that judge one criterion of one conversation.

A rubric criterion names one or more detectors with parameters (YAML). Each detector is a
function registered under a name with `@detector("name")`; it receives the conversation's
precomputed signals (`ConversationSignals`) and the criterion's parameters, and returns a
`DetectorOutcome`: a value on 0..1 (1 = fully meets the criterion), or N/A, with evidence and a
one-line rationale a reviewer can read. Modules in this package register on import.
"""
