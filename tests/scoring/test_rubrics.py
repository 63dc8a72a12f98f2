"""Rubric files: the default set, shorthand normalisation, and error messages a QA lead can act on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from scoring.loader import DEFAULT_RUBRICS_DIR, load_rubrics, rubric_set_definition
from scoring.rubric import Rubric, RubricError, normalise_rubric

GOOD = """\
id: tone
name: Tone
weight: 10
criteria:
  - id: polite
    question: Was the agent polite?
    scale: yes/no
    channels: all
    detector: agent_phrase
    params:
      phrases: [please, thank you]
"""


def write(tmp_path: Path, text: str, name: str = "tone.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def problems(tmp_path: Path) -> str:
    with pytest.raises(RubricError) as caught:
        load_rubrics(tmp_path)
    return str(caught.value)


def test_default_rubric_set_has_the_five_cornerstones():
    rubric_set = load_rubrics()
    assert [r.id for r in rubric_set.rubrics] == sorted(
        ["responsiveness", "empathy", "resolution", "personalisation", "communication"]
    )
    for rubric in rubric_set.rubrics:
        for criterion in rubric.criteria:
            assert criterion.question.endswith("?"), criterion.id
    no_abuse = rubric_set.rubric("communication").criteria
    assert [c.id for c in no_abuse if c.critical] == ["no_abuse"]


def test_shorthand_is_normalised_to_the_canonical_form(tmp_path):
    rubric = load_rubrics(write(tmp_path, GOOD)).rubrics[0]
    criterion = rubric.criteria[0]
    assert criterion.scale == "yes_no"
    assert criterion.channels is None
    assert criterion.detectors[0].detector == "agent_phrase"
    assert criterion.detectors[0].params.phrases.phrases == ("please", "thank you")


def test_detector_given_as_a_one_key_mapping():
    raw = yaml.safe_load(
        GOOD.replace(
            "detector: agent_phrase\n    params:\n      phrases",
            "detectors:\n      - agent_phrase:\n          phrases",
        )
    )
    rubric = Rubric.model_validate(normalise_rubric(raw))
    assert rubric.criteria[0].detectors[0].params.phrases.phrases == ("please", "thank you")


def test_definition_round_trips_through_yaml(tmp_path):
    rubric_set = load_rubrics()
    for rubric in rubric_definition_rubrics(rubric_set):
        (tmp_path / f"{rubric['id']}.yaml").write_text(yaml.safe_dump(rubric), encoding="utf-8")
    again = load_rubrics(tmp_path)
    assert again.rubrics == rubric_set.rubrics


def rubric_definition_rubrics(rubric_set):
    return rubric_set_definition(rubric_set)["rubrics"]


def test_hash_changes_when_a_file_changes_and_sampling_config_is_ignored(tmp_path):
    for path in DEFAULT_RUBRICS_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    first = load_rubrics(tmp_path).version_hash
    (tmp_path / "sampling.yaml").write_text("rules: {}\n", encoding="utf-8")
    assert load_rubrics(tmp_path).version_hash == first
    path = tmp_path / "empathy.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("weight: 25", "weight: 30"), encoding="utf-8"
    )
    assert load_rubrics(tmp_path).version_hash != first


def test_error_names_file_criterion_and_problem(tmp_path):
    write(tmp_path, GOOD.replace("scale: yes/no", "scale: 1-7"))
    message = problems(tmp_path)
    assert (
        "tone.yaml: criterion 'polite' (criteria[0]) → scale: must be yes/no or 1-5, got '1-7'"
        in message
    )


def test_unknown_detector_is_named_with_the_known_ones(tmp_path):
    message = problems(
        write(tmp_path, GOOD.replace("detector: agent_phrase", "detector: agent_phrse"))
    )
    assert "criterion 'polite' (criteria[0]) → unknown detector 'agent_phrse'; known: " in message
    assert "agent_phrase" in message


def test_missing_detector_parameter_is_reported_at_load_time(tmp_path):
    message = problems(
        write(tmp_path, GOOD.replace("phrases: [please, thank you]", "words: [please]"))
    )
    assert (
        "criterion 'polite' (criteria[0]) → detector 'agent_phrase', parameter 'phrases': "
        "required parameter is missing" in message
    )
    assert "parameter 'words': unknown parameter (known: phrases, in, label" in message


def test_wrongly_typed_parameter_is_reported(tmp_path):
    message = problems(
        write(tmp_path, GOOD.replace("phrases: [please, thank you]", "phrases: [please, 3]"))
    )
    assert (
        "detector 'agent_phrase', parameter 'phrases': a phrase list must hold text only" in message
    )


def test_unknown_field_and_unknown_channel_and_bad_weight_all_reported_at_once(tmp_path):
    text = GOOD.replace("weight: 10", "weight: 0").replace("channels: all", "channels: [chat, fax]")
    text = text.replace("    scale: yes/no\n", "    scale: yes/no\n    colour: red\n")
    message = problems(write(tmp_path, text))
    assert "tone.yaml: rubric → weight: must be more than 0, got 0" in message
    assert "criterion 'polite' (criteria[0]) → channels: unknown channel(s) 'fax'" in message
    assert "criterion 'polite' (criteria[0]) → colour: unknown field" in message


def test_duplicate_criterion_ids(tmp_path):
    criterion = GOOD[GOOD.index("  - id: polite") :]
    message = problems(write(tmp_path, GOOD + criterion))
    assert "criterion id 'polite' is used twice" in message


def test_missing_question_and_detectors(tmp_path):
    text = "id: tone\nname: Tone\nweight: 1\ncriteria:\n  - id: polite\n"
    message = problems(write(tmp_path, text))
    assert "criterion 'polite' (criteria[0]) → question: required field is missing" in message
    assert "criterion 'polite' (criteria[0]) → detectors: required field is missing" in message


def test_invalid_yaml_names_the_line(tmp_path):
    message = problems(write(tmp_path, "id: tone\ncriteria: [\n  - x: : :\n"))
    assert "tone.yaml: line" in message and "not valid YAML" in message


def test_same_rubric_id_in_two_files(tmp_path):
    write(tmp_path, GOOD)
    write(tmp_path, GOOD, name="tone_copy.yaml")
    assert "rubric id 'tone' is used by more than one file" in problems(tmp_path)


def test_empty_directory(tmp_path):
    assert "no rubric files" in problems(tmp_path)


# The five typos of issue 17, each in a copy of the shipped rubrics/empathy.yaml: every one is
# refused at load time with a line naming the file, criterion, detector, parameter and problem.
BROKEN_EMPATHY = {
    "wrong_type": (
        ("      saturation: 3.0        # cues for full marks", "      saturation: three"),
        "empathy.yaml: criterion 'acknowledge_feelings' (criteria[0]) → detector "
        "'acknowledges_feelings', parameter 'saturation': must be a number, got 'three'",
    ),
    "misspelt": (
        ("      upset_below: -0.3", "      upset_belw: -0.3"),
        "empathy.yaml: criterion 'acknowledge_feelings' (criteria[0]) → detector "
        "'acknowledges_feelings', parameter 'upset_belw': unknown parameter (did you mean "
        "'upset_below'?",
    ),
    "unclosed_regex": (
        ('      distress: ["frustrat*",', '      distress: ["re:(unclosed", "frustrat*",'),
        "empathy.yaml: criterion 'acknowledge_feelings' (criteria[0]) → detector "
        "'acknowledges_feelings', parameter 'distress': phrase 're:(unclosed' is not a valid "
        "regular expression: missing ), unterminated subpattern",
    ),
    "unknown_detector": (
        ("    detector: warm_tone\n", "    detector: warm_tones\n"),
        "empathy.yaml: criterion 'warm_tone' (criteria[5]) → unknown detector 'warm_tones'; "
        "known: acknowledgement,",
    ),
    "negative_weight": (
        (
            "    weight: 3\n    scale: 1-5\n    detector: shows_understanding",
            "    weight: -3\n    scale: 1-5\n    detector: shows_understanding",
        ),
        "empathy.yaml: criterion 'shows_understanding' (criteria[1]) → weight: must be more "
        "than 0, got -3",
    ),
    "negative_parameter_weight": (
        ("      cold_penalty: 0.5", "      cold_penalty: -0.5"),
        "empathy.yaml: criterion 'warm_tone' (criteria[5]) → detector 'warm_tone', parameter "
        "'cold_penalty': must be at least 0, got -0.5",
    ),
}


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    for path in DEFAULT_RUBRICS_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    empathy = tmp_path / "empathy.yaml"
    text = empathy.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the shipped empathy.yaml changed: {old!r}"
    empathy.write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("typo", sorted(BROKEN_EMPATHY))
def test_typo_in_empathy_rubric_is_refused_naming_the_parameter(typo, tmp_path):
    (old, new), expected = BROKEN_EMPATHY[typo]
    message = problems(broken_copy(tmp_path, old, new))
    assert expected in message
    assert len(message.splitlines()) == 1, message  # one typo, one line


def test_every_shipped_detector_gets_parsed_parameters():
    from scoring.params import DetectorParams

    for rubric in load_rubrics().rubrics:
        for criterion in rubric.criteria:
            for spec in criterion.detectors:
                assert isinstance(spec.params, DetectorParams), spec.detector
                assert type(spec.params) is not DetectorParams, spec.detector


@pytest.mark.parametrize("command", ["score-file", "score"])
def test_score_commands_refuse_the_broken_rubric_with_the_same_plain_message(
    command, tmp_path, capsys
):
    from cornerstone.cli import main

    (old, new), expected = BROKEN_EMPATHY["unclosed_regex"]
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    broken_copy(rubrics, old, new)
    sample = Path(__file__).resolve().parents[2] / "data" / "sample_conversations.jsonl"
    out = tmp_path / "scores.jsonl"
    if command == "score-file":
        argv = ["score-file", str(sample), "-o", str(out), "--rubrics", str(rubrics), "--quiet"]
    else:
        argv = ["score", "--db", str(tmp_path / "qa.duckdb"), "--rubrics", str(rubrics), "--quiet"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err and "ScoringError" not in err
    assert not out.exists()
