"""ses_metrics.files.output: files are written only where they were told to go."""

from __future__ import annotations

import json
import os

import pytest

from ses_metrics.files.output import MANIFEST, OutputDirectory, OutputError, check_name, write_file, write_files

SECRET = "not yours\n"


@pytest.fixture
def outside(tmp_path):
    """A directory beside the output root, holding a file that must stay unchanged."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "secret.txt").write_text(SECRET)
    return directory


def tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink())


@pytest.mark.parametrize(
    ("name", "why"),
    [("../escaped.txt", "'..' path segment"), ("s3/bucket/../../../x", "'..' path segment"), ("/etc/passwd", "absolute path"),
     ("sns//x.jsonl", "empty path segment"), ("sns/./x", "'.' path segment"), ("a/b\0c", "NUL"), ("x" * 256, "longer than 255 bytes"),
     ("", "empty")],
)
def test_names_that_would_leave_the_root_or_alias_another_are_refused(name, why):
    assert why in check_name(name)


def test_a_plain_tree_is_written_with_a_manifest_of_its_files(tmp_path):
    root = tmp_path / "out"
    written = OutputDirectory(root).write_all({"simulation.json": b"{}", "s3/bucket/ses/2026/01/01/a.gz": b"x"})
    assert written == [root / "simulation.json", root / "s3/bucket/ses/2026/01/01/a.gz"]
    assert (root / "s3/bucket/ses/2026/01/01/a.gz").read_bytes() == b"x"
    assert json.loads((root / MANIFEST).read_text())["files"] == ["simulation.json", "s3/bucket/ses/2026/01/01/a.gz"]


@pytest.mark.parametrize("name", ["../../escaped.txt", "sns/../../../escaped.jsonl"])
def test_a_relative_escape_is_refused_and_nothing_is_written(tmp_path, name):
    root = tmp_path / "a" / "out"
    with pytest.raises(OutputError, match=r"refusing to write, nothing written") as raised:
        OutputDirectory(root).write_all({"simulation.json": b"{}", name: b"x"})
    assert repr(name) in str(raised.value)
    assert tree(tmp_path) == []


def test_an_absolute_name_is_refused(tmp_path, outside):
    with pytest.raises(OutputError, match="absolute path"):
        OutputDirectory(tmp_path / "out").write_all({f"sns/{outside}/secret.txt": b"x"} | {str(outside / "secret.txt"): b"x"})
    assert (outside / "secret.txt").read_text() == SECRET


def test_a_name_that_is_also_a_directory_of_another_is_refused(tmp_path):
    with pytest.raises(OutputError, match="also a directory of another file"):
        OutputDirectory(tmp_path / "out").write_all({"s3/b/key": b"1", "s3/b/key/more": b"2"})


def test_a_directory_ses_metrics_did_not_write_is_refused_and_left_alone(tmp_path):
    root = tmp_path / "out"
    root.mkdir()
    (root / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=f"not empty and ses-metrics did not write it \\(no {MANIFEST}\\)"):
        OutputDirectory(root).write_all({"simulation.json": b"{}"})
    assert tree(root) == ["notes.txt"]


def test_a_reused_directory_loses_the_files_of_the_previous_run(tmp_path):
    root = tmp_path / "out"
    OutputDirectory(root).write_all({"simulation.json": b"1", "sns/old-topic.jsonl": b"old", "s3/b/k/1.gz": b"old"})
    OutputDirectory(root).write_all({"simulation.json": b"2", "sns/new-topic.jsonl": b"new"})
    assert tree(root) == [MANIFEST, "simulation.json", "sns/new-topic.jsonl"]
    assert (root / "simulation.json").read_bytes() == b"2"


def test_a_reused_directory_with_a_file_the_previous_run_did_not_write_is_refused(tmp_path):
    root = tmp_path / "out"
    OutputDirectory(root).write_all({"simulation.json": b"1"})
    (root / "added-by-hand.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"holds files the previous run did not write \(added-by-hand.txt\)"):
        OutputDirectory(root).write_all({"simulation.json": b"2"})
    assert (root / "added-by-hand.txt").read_text() == "mine"


@pytest.mark.parametrize("planted", ["sns", "s3/bucket"])
def test_a_link_planted_as_a_directory_is_not_followed(tmp_path, outside, planted):
    root = tmp_path / "out"
    OutputDirectory(root).write_all({"simulation.json": b"1", "sns/t.jsonl": b"1", "s3/bucket/k": b"1"})
    victim = root / planted
    for path in sorted(victim.rglob("*"), reverse=True):
        path.unlink()
    victim.rmdir()
    victim.symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match="previous run did not write"):
        OutputDirectory(root).write_all({"simulation.json": b"2", "sns/t.jsonl": b"2", "s3/bucket/k": b"2"})
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert (outside / "secret.txt").read_text() == SECRET


def test_a_link_planted_in_place_of_a_file_is_removed_not_followed(tmp_path, outside):
    root = tmp_path / "out"
    OutputDirectory(root).write_all({"simulation.json": b"1"})
    (root / "simulation.json").unlink()
    (root / "simulation.json").symlink_to(outside / "secret.txt")
    OutputDirectory(root).write_all({"simulation.json": b"2"})
    assert (outside / "secret.txt").read_text() == SECRET
    assert not (root / "simulation.json").is_symlink()
    assert (root / "simulation.json").read_bytes() == b"2"


def test_a_manifest_naming_files_outside_the_root_removes_nothing_there(tmp_path, outside):
    root = tmp_path / "out"
    root.mkdir()
    (root / MANIFEST).write_text(json.dumps({"files": ["../outside/secret.txt", str(outside / "secret.txt")]}))
    OutputDirectory(root).write_all({"simulation.json": b"1"})
    assert (outside / "secret.txt").read_text() == SECRET


def test_a_link_as_the_manifest_is_refused(tmp_path, outside):
    root = tmp_path / "out"
    root.mkdir()
    (root / MANIFEST).symlink_to(outside / "secret.txt")
    with pytest.raises(OutputError, match="not a file ses-metrics wrote"):
        OutputDirectory(root).write_all({"simulation.json": b"1"})


def test_write_file_writes_and_replaces_a_file(tmp_path):
    path = tmp_path / "reports" / "junit.xml"
    write_file(path, "first, longer")
    write_file(path, "second")
    assert path.read_text() == "second"


def test_write_file_refuses_a_symbolic_link(tmp_path, outside):
    link = tmp_path / "report.html"
    link.symlink_to(outside / "secret.txt")
    with pytest.raises(OutputError, match="is a symbolic link: ses-metrics does not write through one"):
        write_file(link, "<html>")
    assert (outside / "secret.txt").read_text() == SECRET


def test_write_file_refuses_a_dangling_symbolic_link(tmp_path, outside):
    link = tmp_path / "report.html"
    link.symlink_to(outside / "new.txt")
    with pytest.raises(OutputError, match="symbolic link"):
        write_file(link, "<html>")
    assert not (outside / "new.txt").exists()


def test_write_file_refuses_a_second_hard_link(tmp_path, outside):
    link = tmp_path / "report.html"
    os.link(outside / "secret.txt", link)
    with pytest.raises(OutputError, match="has 2 hard links"):
        write_file(link, "<html>")
    assert (outside / "secret.txt").read_text() == SECRET


def test_write_files_replaces_its_files_and_leaves_others_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "app.py").write_text("old")
    write_files(tmp_path, {"app.py": "new", "tests/test_x.py": b"x"}, executable=frozenset({"app.py"}))
    assert tree(tmp_path) == ["app.py", "notes.txt", "tests/test_x.py"]
    assert (tmp_path / "app.py").read_text() == "new" and os.access(tmp_path / "app.py", os.X_OK)


def test_write_files_refuses_a_link_in_place_of_a_file_or_directory(tmp_path, outside):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "app.py").symlink_to(outside / "secret.txt")
    with pytest.raises(OutputError, match="app.py is a symbolic link"):
        write_files(root, {"app.py": "x"})
    (root / "app.py").unlink()
    (root / "tests").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match="tests is a symbolic link or a file, not a directory"):
        write_files(root, {"tests/test_x.py": "x"})
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"] and (outside / "secret.txt").read_text() == SECRET


def test_a_file_written_later_into_a_managed_directory_is_removed_by_the_next_run(tmp_path):
    root = tmp_path / "day"
    OutputDirectory(root).write_all({"s3/b/k": b"1"})
    write_file(root / "report.html", "<html>")  # replay --out day --report day/report.html
    OutputDirectory(root).write_all({"s3/b/k": b"2"})
    assert tree(root) == [MANIFEST, "s3/b/k"]
    write_file(root / "report.html", "<html>")
    assert json.loads((root / MANIFEST).read_text())["files"] == ["s3/b/k", "report.html"]
