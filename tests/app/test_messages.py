"""The message catalogue: every code in both languages, and the language a request asks for."""

from __future__ import annotations

import string

import pytest

from app.domain import Segment, TrafficLight
from app.messages import BOKMAL, CATALOGUE, ENGLISH, LANGUAGES, accepted_language, message, speaking
from app.validation import Problems, check_report_rules


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_message_is_said_in_every_language_with_the_same_parameters(code: str) -> None:
    templates = CATALOGUE[code]

    assert set(templates) == set(LANGUAGES)
    assert _placeholders(templates[ENGLISH]) == _placeholders(templates[BOKMAL])


def test_an_unknown_code_is_refused_when_the_message_is_made() -> None:
    with pytest.raises(KeyError, match="no-such-code"):
        message("no-such-code")


def test_a_message_renders_its_message_parameters_in_the_same_language() -> None:
    refused = message("office_only", action=message("action.open_periods"))

    assert (
        refused.render(ENGLISH) == "Only the portfolio office (ADMIN) can open reporting periods."
    )
    assert refused.render(BOKMAL) == "Bare porteføljekontoret (ADMIN) kan åpne rapporteringsrunder."


def test_bokmal_groups_thousands_with_spaces() -> None:
    limited = message("rate_limited", cost=12_000, remaining=1_500, seconds=3)

    assert "12,000 points and 1,500 are left" in limited.render(ENGLISH)
    assert "koster 12 000 poeng, og du har 1 500 igjen" in limited.render(BOKMAL)


def test_a_message_speaks_the_language_of_the_block_it_is_rendered_in() -> None:
    required = message("required")

    with speaking(BOKMAL):
        inside = required.render()
    outside = required.render()

    assert (inside, outside) == ("må fylles ut.", "is required.")


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, ENGLISH),
        ("", ENGLISH),
        ("nb", BOKMAL),
        ("nn", BOKMAL),
        ("no", BOKMAL),
        ("NB-no", BOKMAL),
        ("nn-NO,nn;q=0.9,en;q=0.8", BOKMAL),
        ("en-GB,en;q=0.9,nb;q=0.8", ENGLISH),
        ("en;q=0.4, nb;q=0.6", BOKMAL),
        ("sv, da;q=0.9, no;q=0.8, en;q=0.7", BOKMAL),
        ("de, fr", ENGLISH),
        ("*", ENGLISH),
        ("nb;q=0, en", ENGLISH),
        ("nb;q=0", ENGLISH),
        ("nn;q=0, nb", BOKMAL),
        ("en;q=0, nb;q=0.1", BOKMAL),
        ("nb;q=abc, en", ENGLISH),
        ("nb;q=2, en;q=0.5", ENGLISH),
        ("en, nb", ENGLISH),
        ("nb, en", BOKMAL),
    ],
)
def test_accept_language_is_weighed_by_its_q_values(header: str | None, language: str) -> None:
    assert accepted_language(header) == language


def test_the_segment_rules_name_the_value_they_are_about_and_a_message_code() -> None:
    problems = Problems()

    check_report_rules(
        problems,
        segment=Segment.CO_GOVERN,
        status=TrafficLight.RED,
        values=dict.fromkeys(
            (
                "status_reason",
                "risk_level",
                "main_risk_areas",
                "planned_mitigations",
                "implemented_mitigations",
                "investment_nok",
                "annual_operating_cost_nok",
                "benefits",
                "benefit_prerequisites",
                "dependencies_confirmed",
            )
        ),
    )

    found = [(problem.field, problem.text.code) for problem in problems.found]
    assert found == [
        ("status_reason", "required_when_status"),
        ("risk_level", "required_for_segment"),
        ("main_risk_areas", "required_for_segment"),
        ("dependencies_confirmed", "required_for_segment"),
        ("investment_nok", "required_for_segment"),
        ("annual_operating_cost_nok", "required_for_segment"),
        ("benefits", "required_for_segment"),
        ("benefit_prerequisites", "required_for_segment"),
    ]
    assert problems.found[0].text.params == {"status": "RED"}
