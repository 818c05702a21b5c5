"""The ``stack:`` key of a configuration set: which stack it goes into, and the names
CloudFormation would reject, each error naming the YAML path and the allowed pattern."""

import textwrap

import pytest

from ses_metrics.platform.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "ses-metrics.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def sets(tmp_path, *stacks, stack_name="Platform"):
    """A config with one set per entry of ``stacks`` (``None``: no ``stack:`` key)."""
    lines = [f"stack_name: {stack_name}", "configuration_sets:"]
    for i, stack in enumerate(stacks):
        lines.append(f"  - name: set-{i}" + (f"\n    stack: {stack}" if stack is not None else ""))
    return write(tmp_path, "\n".join(lines) + "\n")


def test_a_set_without_stack_stays_in_the_main_stack(tmp_path):
    config = load_config(sets(tmp_path, None))
    assert config.configuration_sets[0].stack is None
    assert config.stack_of(config.configuration_sets[0]) == "Platform"


def test_a_set_with_stack_goes_into_stack_name_dash_stack(tmp_path):
    config = load_config(sets(tmp_path, "bulk-1"))
    assert config.stack_of(config.configuration_sets[0]) == "Platform-bulk-1"


def test_stack_groups_are_listed_once_in_order_of_first_use(tmp_path):
    assert load_config(sets(tmp_path, "b", None, "a", "b")).stack_groups == ["b", "a"]


def test_rejects_a_stack_starting_with_a_digit(tmp_path):
    with pytest.raises(ConfigError, match=r"configuration_sets\[1\]\.stack \(line 5\): stack '2nd' .*starting with a letter \(\^\[A-Za-z\]\[A-Za-z0-9-\]\*\$\)"):
        load_config(sets(tmp_path, None, "'2nd'"))


def test_rejects_a_stack_with_an_underscore(tmp_path):
    with pytest.raises(ConfigError, match=r"configuration_sets\[0\]\.stack \(line 4\): stack 'bulk_mail' is not usable in a CloudFormation stack name"):
        load_config(sets(tmp_path, "bulk_mail"))


def test_rejects_a_stack_that_is_not_a_string(tmp_path):
    with pytest.raises(ConfigError, match=r"configuration_sets\[0\]\.stack \(line 4\): Input should be a valid string"):
        load_config(sets(tmp_path, "7"))


def test_rejects_a_stack_name_over_128_characters(tmp_path):
    with pytest.raises(ConfigError, match=r"configuration_sets\[0\]\.stack \(line 4\): stack name 'P{100}-b{30}' \(<stack_name>-<stack>\) is 131 characters long; CloudFormation allows 128"):
        load_config(sets(tmp_path, "b" * 30, stack_name="P" * 100))


def test_rejects_two_stacks_that_differ_only_in_case(tmp_path):
    with pytest.raises(ConfigError, match=r"configuration_sets\[1\]\.stack \(line 6\): stack 'Bulk' differs from 'bulk' \(configuration_sets\[0\]\.stack\) only in case"):
        load_config(sets(tmp_path, "bulk", "Bulk"))
