"""ses_metrics.files.documents: YAML and JSON within size, nesting and alias limits.

Each limit is proven just past it (the hostile-input corpus, tests/cli/test_cli_bad_input.py,
runs the extreme cases, such as 100,000 nested brackets, in a separate process)."""

from __future__ import annotations

import json

import pytest

from ses_metrics.files.documents import LIMITS, DocumentError, Limits, check_depth, parse_document, read_document

DEPTH = LIMITS.max_depth


def flow(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


def block(depth: int) -> str:
    return "".join(f"{'  ' * level}k{level}:\n" for level in range(depth - 1)) + f"{'  ' * (depth - 1)}k: 1\n"


def bomb(levels: int, width: int = 10) -> str:
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [flow(DEPTH), block(DEPTH), json.dumps(json.loads(flow(DEPTH)))])
def test_documents_nested_up_to_the_limit_are_read(text):
    data = parse_document(text)
    for _ in range(DEPTH):
        data = next(iter(data.values())) if isinstance(data, dict) else data[0]
    assert data == 1


@pytest.mark.parametrize("text", [flow(DEPTH + 1), block(DEPTH + 1), '{"a": ' + flow(DEPTH) + "}"])
def test_documents_nested_past_the_limit_are_refused(text):
    with pytest.raises(DocumentError, match=f"nested more than {DEPTH} levels deep"):
        parse_document(text)


def with_bracket_strings(depth: int, brackets: str) -> str:
    """JSON nested ``depth`` levels, each level holding strings of brackets, escaped quotes,
    empty and adjacent strings."""
    data: object = 1
    for _ in range(depth):
        data = {"": "", "b": brackets, "q": f'"{brackets}\\', "e": "", "v": [data, brackets, ""]}
    return json.dumps(data)


def test_empty_adjacent_and_bracket_strings_at_every_level_do_not_change_the_nesting():
    parse_document(with_bracket_strings(DEPTH // 2, "[{[{"))  # each level is two deep: the mapping and its list
    with pytest.raises(DocumentError, match=f"nested more than {DEPTH} levels deep"):
        parse_document(with_bracket_strings(DEPTH // 2 + 1, "]}]}"))


def test_a_json_document_nested_past_the_parsers_recursion_is_refused_not_a_recursion_error():
    with pytest.raises(DocumentError, match="nested more than"):
        parse_document('{"a": ' + "[" * 5000)


def test_aliases_that_add_few_nodes_are_read_as_shared_values():
    data = parse_document("defaults: &d {sender: news@example.com, set: marketing}\nsends:\n  - {<<: *d, to: a}\n  - {<<: *d, to: b}\n")
    assert data["sends"] == [{"sender": "news@example.com", "set": "marketing", "to": "a"}, {"sender": "news@example.com", "set": "marketing", "to": "b"}]


def test_aliases_that_add_more_nodes_than_the_limit_are_refused():
    # 10 levels of 10 aliases: 10^10 nodes expanded from a 500-byte file.
    with pytest.raises(DocumentError, match=f"aliases expand to more than {LIMITS.max_alias_nodes:,} additional nodes") as raised:
        parse_document(bomb(10))
    assert raised.value.kind == "limit"


def test_the_alias_limit_counts_expanded_nodes():
    # 10 + 100 + 1000 + 10000 nodes once expanded, under 100,000: read; one more level is not.
    assert len(parse_document(bomb(4))["a3"]) == 10
    with pytest.raises(DocumentError, match="aliases expand"):
        parse_document(bomb(5, width=30))


def test_an_alias_inside_its_own_anchor_is_refused():
    with pytest.raises(DocumentError, match="recursive anchor"):
        parse_document("a: &a [1, *a]\n")


def test_aliases_that_nest_past_the_depth_limit_when_expanded_are_refused():
    half = DEPTH // 2 + 1
    text = f"a: &a {flow(half)}\nb: {'[' * half}*a{']' * half}\n"
    with pytest.raises(DocumentError, match="once its aliases are expanded"):
        parse_document(text)


@pytest.mark.parametrize("text", ["a: " + "9" * 5000, '{"a": ' + "9" * 5000 + "}"])
def test_an_integer_of_more_than_4300_digits_is_refused(text):
    with pytest.raises(DocumentError, match="an integer has more than 4,300 digits"):
        parse_document(text)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"a": "' + "x" * 200 + '"}')
    with pytest.raises(DocumentError, match="larger than 200 bytes"):
        read_document(path, limits=Limits(max_bytes=200))


def test_yaml_has_a_lower_size_limit_than_json():
    limits = Limits(max_yaml_bytes=100)
    text = '{"a": "' + "x" * 200 + '"}'
    assert parse_document(text, limits=limits) == {"a": "x" * 200}
    with pytest.raises(DocumentError, match="YAML text is larger than 100 bytes; write it as JSON"):
        parse_document("a: " + "x" * 200, limits=limits)


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "file not found"), (b"a: \xff\xfe", "not UTF-8 text"), (b"a: [1", "not valid YAML"), (b"{\"a\": }", r"not valid JSON \(line 1, column 7\)")],
)
def test_unreadable_and_invalid_files_say_why(tmp_path, content, reason):
    path = tmp_path / "doc.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason) as raised:
        read_document(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_a_directory_is_not_a_document(tmp_path):
    with pytest.raises(DocumentError, match="is a directory"):
        read_document(tmp_path)


def test_python_tags_are_not_constructed():
    with pytest.raises(DocumentError, match="could not determine a constructor"):
        parse_document("a: !!python/object/apply:os.system [echo]")


def test_brackets_and_escaped_quotes_inside_json_strings_are_not_nesting():
    text = json.dumps({"a": "[" * 100 + '\\"' + "{" * 100 + "\\\\", "b": [[1]]})
    assert parse_document(text)["b"] == [[1]]


def _nested(depth: int) -> object:
    """``depth`` levels of mappings and lists, alternating, around a scalar."""
    value: object = "leaf"
    for level in range(depth):
        value = {"k": value, "n": 1} if level % 2 else [value, 2]
    return value


@pytest.mark.parametrize("depth", [0, 1, 63, 64])
def test_a_value_nested_up_to_the_limit_passes_the_depth_check(depth: int) -> None:
    check_depth(_nested(depth))  # raises if refused


@pytest.mark.parametrize("depth", [65, 200])
def test_a_value_nested_past_the_limit_is_refused(depth: int) -> None:
    with pytest.raises(DocumentError, match="nested more than 64 levels deep"):
        check_depth(_nested(depth), "sends")


def test_the_depth_check_follows_the_deepest_branch_not_the_first() -> None:
    shallow_then_deep = {"a": [1, 2], "b": {"c": [], "d": _nested(63)}}  # 65 levels through b.d
    with pytest.raises(DocumentError, match="nested more than 64 levels deep"):
        check_depth(shallow_then_deep)
