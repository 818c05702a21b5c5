"""A configuration of the wrong types, over SES's or CloudFormation's limits, or built to
exhaust the reader, is a list of problems (``validate`` exits 1), never a traceback."""

from __future__ import annotations

from ses_metrics.platform.config import check_config_text


def errors(text: str) -> list[tuple[str, str]]:
    checked = check_config_text(text)
    assert checked.config is None
    return [(p.location, p.message) for p in checked.errors]


def test_a_name_that_is_a_mapping_is_reported_once_by_the_schema():
    found = errors("topics: [{name: {a: 1}}]\nconfiguration_sets:\n  - name: x\n    destinations: [{name: d, sns: {topic: {a: 1}}}]\n")
    assert found == [("topics[0].name", "Input should be a valid string"),
                     ("configuration_sets[0].destinations[0].sns.topic", "Input should be a valid string")]


def test_more_configuration_sets_than_ses_allows_are_refused_by_validate():
    sets = "".join(f"  - {{name: s{i}, stack: g{i // 400}}}\n" for i in range(10_001))
    assert errors("configuration_sets:\n" + sets) == [("configuration_sets", "10,001 configuration sets; SES allows at most 10,000 per Region (not adjustable)")]


def test_a_stack_certainly_over_500_resources_is_refused_by_validate():
    sets = "".join(f"  - {{name: s{i}, destinations: [{{name: d, eventbridge: {{}}}}]}}\n" for i in range(251))
    [(where, message)] = errors("configuration_sets:\n" + sets)
    assert where == "configuration_sets"
    assert message.startswith("stack SesMetrics would have at least 502 CloudFormation resources, over CloudFormation's limit of 500 per stack")


def test_an_alias_bomb_is_a_problem_of_the_file():
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
    assert errors(bomb + "configuration_sets: *a8\n") == [("", "its aliases expand to more than 100,000 additional nodes (line 5)")]
