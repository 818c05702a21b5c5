"""Writing files only where ses-metrics was told to write them.

Two writers, used by every command that writes files:

- ``write_file(path, data)``: one file the user named (``--report``, ``--junit``,
  ``schema -o``). It is never written through a symbolic link, nor through a second hard
  link: either is refused (an ``OutputError``), so a link planted where a report goes
  cannot make ses-metrics overwrite the file it points to.
- ``OutputDirectory(root).write_all(files)``: a tree of files under one directory
  (``simulate --out``), whose names come from the template and the messages (S3 keys,
  topic, index and table names). Every name is checked before anything is written: each
  ``/``-separated part must be a plain name (not empty, ``.`` or ``..``, no NUL, at most 255
  bytes), so every path stays under the root; a name that is not is refused with the
  name. Directories are opened one level at a time relative to the one above
  (``openat``), never following a symbolic link, and files are created only if nothing of
  that name exists (``O_CREAT | O_EXCL | O_NOFOLLOW``): nothing inside the root is followed.

Reusing a directory: the root must be new, empty, or one ses-metrics wrote before. Each
``write_all`` first writes ``.ses-metrics-out.json``, the list of the files it is about to
write (a ``write_file`` into that directory afterwards, such as a report, joins the list);
the next ``write_all`` into the same root removes exactly those files (a link in their
place is removed, not followed) and the directories left empty, then refuses if anything
else remains. A non-empty directory without that list is refused: files of an
earlier run never sit beside new ones, and a directory ses-metrics did not write is never
emptied.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path

MANIFEST = ".ses-metrics-out.json"
MAX_NAME_BYTES = 255  # NAME_MAX on Linux and macOS
_MANIFEST_MAX_BYTES = 64 * 1024 * 1024
_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


class OutputError(OSError):
    """ses-metrics refuses to write somewhere: the message says where and why."""


# --- one file ------------------------------------------------------------------------


def write_file(path: str | os.PathLike[str], data: bytes | str, *, parents: bool = True) -> Path:
    """Write ``data`` (text as UTF-8) to ``path``, creating its parent directories unless
    ``parents`` is false.

    Refused (``OutputError``) when ``path`` is a symbolic link, a directory, or a file with
    more than one hard link; the parent directories the user named may be links."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if target.is_symlink():
        raise OutputError(f"{target} is a symbolic link: ses-metrics does not write through one (remove it or choose another file)")
    if parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as error:
        if error.errno == errno.ELOOP:  # became a link after the check above
            raise OutputError(f"{target} is a symbolic link: ses-metrics does not write through one") from None
        if error.errno == errno.EISDIR:
            raise OutputError(f"{target} is a directory; give a file name") from None
        raise
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):
            if info.st_nlink > 1:
                raise OutputError(f"{target} has {info.st_nlink} hard links: writing it would change the other names too (remove it first)")
            os.ftruncate(fd, 0)
        _write_all(fd, payload)
    finally:
        os.close(fd)
    _claim(target)
    return target


def _claim(target: Path, levels: int = 8) -> None:
    """A file written inside a directory ``OutputDirectory`` manages (``replay --out day
    --report day/report.html``) joins that directory's list, so the next run into it
    removes the file with the rest instead of refusing the directory."""
    resolved = target.resolve()
    for root in list(resolved.parents)[:levels]:
        manifest = root / MANIFEST
        if not manifest.is_symlink() and manifest.is_file():
            name = resolved.relative_to(root).as_posix()
            try:
                root_fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            except OSError:
                return
            try:
                listed = _read_manifest(root_fd, root)
                if name not in listed:
                    document = {"writer": "ses-metrics", "files": [*listed, name]}
                    temporary = f"{MANIFEST}.{os.getpid()}"
                    _write_new(root_fd, temporary, json.dumps(document, indent=1).encode())
                    os.replace(temporary, MANIFEST, src_dir_fd=root_fd, dst_dir_fd=root_fd)
            except OutputError:
                pass  # not a list ses-metrics can read: the next write_all refuses the directory, saying so
            finally:
                os.close(root_fd)
            return


# --- a tree of files -----------------------------------------------------------------


def check_name(name: str) -> str | None:
    """Why ``name`` (``a/b/c``, relative to an output root) cannot be written, or ``None``."""
    if not name:
        return "the name is empty"
    if name.startswith("/"):
        return "it is an absolute path"
    for part in name.split("/"):
        if part == "":
            return "it has an empty path segment (a leading, trailing or doubled '/')"
        if part in (".", ".."):
            return f"it has a {part!r} path segment"
        if "\0" in part:
            return "it contains a NUL character"
        if len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
            return f"a path segment is longer than {MAX_NAME_BYTES} bytes"
    return None


class OutputDirectory:
    """A directory ``write_all`` writes a tree of files into, and nothing outside it (see
    the module docstring). ``writer`` names the command in messages."""

    def __init__(self, root: str | os.PathLike[str], writer: str = "ses-metrics"):
        self.root = Path(root)
        self.writer = writer

    def write_all(self, files: Mapping[str, bytes]) -> list[Path]:
        """Write every ``name -> bytes`` (names are ``/``-separated, relative to the root);
        returns the paths written. Refuses before writing anything when a name is not a
        plain relative path or the root holds files ses-metrics did not write."""
        names = list(files)
        self._check_names(names)
        root_fd = self._open_root()
        try:
            self._clear(root_fd)
            _write_new(root_fd, MANIFEST, json.dumps({"writer": self.writer, "files": names}, indent=1).encode())
            directories: dict[str, int] = {"": root_fd}
            try:
                for name in names:
                    parent, _, base = name.rpartition("/")
                    _write_new(_directory(directories, parent, self.root), base, files[name], where=self._where(name))
            finally:
                for key, fd in directories.items():
                    if key:
                        os.close(fd)
        finally:
            os.close(root_fd)
        return [self.root / name for name in names]

    # -- internals -------------------------------------------------------------------

    def _where(self, name: str) -> str:
        return str(self.root / name)

    def _check_names(self, names: list[str]) -> None:
        problems = [f"{name!r}: {why}" for name in names if (why := check_name(name))]
        problems += [f"{MANIFEST!r}: the name is ses-metrics' own list of what it wrote" for name in names if name == MANIFEST]
        files = set(names)
        problems += [f"{name!r}: it is also a directory of another file" for name in names
                     if any("/".join(name.split("/")[:i]) in files for i in range(1, name.count("/") + 1))]
        if problems:
            shown = "\n  ".join(problems[:10]) + (f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else "")
            raise OutputError(
                f"{self.root}: refusing to write, nothing written: these names (from the template or the messages) "
                f"would not stay plain files under the directory:\n  {shown}"
            )

    def _open_root(self) -> int:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise OutputError(f"{self.root} exists and is not a directory") from None
        return os.open(self.root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))

    def _clear(self, root_fd: int) -> None:
        """Remove what the last ``write_all`` wrote (its manifest says what); refuse if the
        directory then still holds anything."""
        entries = os.listdir(root_fd)
        if not entries:
            return
        if MANIFEST not in entries:
            raise OutputError(
                f"{self.root} is not empty and ses-metrics did not write it (no {MANIFEST}): give a new or empty "
                f"directory; a directory written by an earlier run is emptied of what that run wrote and reused"
            )
        previous = _read_manifest(root_fd, self.root)
        for name in sorted(previous, key=lambda n: -n.count("/")):
            if check_name(name) is None:
                _remove(root_fd, name)
        os.unlink(MANIFEST, dir_fd=root_fd)
        left = sorted(os.listdir(root_fd))
        if left:
            shown = ", ".join(left[:5]) + (" ..." if len(left) > 5 else "")
            raise OutputError(
                f"{self.root} holds files the previous run did not write ({shown}): move them away or give another directory"
            )


def write_files(root: str | os.PathLike[str], files: Mapping[str, bytes | str], *, executable: frozenset[str] = frozenset()) -> list[Path]:
    """Write each ``name -> data`` under ``root`` (created when missing), replacing a file of
    that name and leaving every other file alone (``init --force``). Names are checked as
    ``OutputDirectory.write_all`` checks them; no link is followed, and a link where a file
    or directory goes is refused. ``executable`` names get mode 0755."""
    root = Path(root)
    problems = [f"{name!r}: {why}" for name in files if (why := check_name(name))]
    if problems:
        raise OutputError(f"{root}: refusing to write: " + "; ".join(problems))
    root.mkdir(parents=True, exist_ok=True)
    directories = {"": os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))}
    try:
        for name, data in files.items():
            parent, _, base = name.rpartition("/")
            directory = _directory(directories, parent, root)
            try:
                fd = os.open(base, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o666, dir_fd=directory)
            except OSError as error:
                if error.errno == errno.ELOOP:
                    raise OutputError(f"{root / name} is a symbolic link: ses-metrics does not write through one") from None
                raise
            try:
                if name in executable:
                    os.fchmod(fd, 0o755)
                _write_all(fd, data.encode("utf-8") if isinstance(data, str) else data)
            finally:
                os.close(fd)
    finally:
        for fd in directories.values():
            os.close(fd)
    return [root / name for name in files]


def _directory(directories: dict[str, int], path: str, root: Path) -> int:
    """The descriptor of ``path`` under the root (``directories[""]``), made one level at a
    time; no level may be a link or a file."""
    parts = path.split("/") if path else []
    depth = len(parts)
    while "/".join(parts[:depth]) not in directories:
        depth -= 1
    fd = directories["/".join(parts[:depth])]
    for level in range(depth, len(parts)):
        base, here = parts[level], "/".join(parts[: level + 1])
        with contextlib.suppress(FileExistsError):
            os.mkdir(base, 0o777, dir_fd=fd)
        try:
            fd = os.open(base, _DIRECTORY, dir_fd=fd)
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.ENOTDIR):
                raise OutputError(f"{root / here} is a symbolic link or a file, not a directory: ses-metrics does not follow it") from None
            raise
        directories[here] = fd
    return fd


def _write_new(directory_fd: int, name: str, data: bytes, where: str | None = None) -> None:
    try:
        fd = os.open(name, _NEW_FILE, 0o666, dir_fd=directory_fd)
    except FileExistsError:
        raise OutputError(f"{where or name} already exists (a link or a file put there during the run): not overwritten") from None
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_manifest(root_fd: int, root: Path) -> list[str]:
    try:
        fd = os.open(MANIFEST, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0), dir_fd=root_fd)
    except OSError:
        raise OutputError(f"{root / MANIFEST} is not a file ses-metrics wrote (a link or unreadable): give another directory") from None
    try:
        with os.fdopen(fd, "rb") as file:
            data = file.read(_MANIFEST_MAX_BYTES + 1)
        document = json.loads(data) if len(data) <= _MANIFEST_MAX_BYTES else None
    except (ValueError, RecursionError):
        document = None
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise OutputError(f"{root / MANIFEST} is not a list ses-metrics wrote: give another directory")
    return files


def _remove(root_fd: int, name: str) -> None:
    """Unlink ``name`` under the root without following any link on the way (a link in its
    place is itself removed), then remove its directories if they are left empty."""
    parts = name.split("/")
    opened: list[int] = []
    try:
        fd = root_fd
        for part in parts[:-1]:
            try:
                fd = os.open(part, _DIRECTORY, dir_fd=fd)
            except OSError:
                return  # gone, or a link or file now: nothing of ours to remove below it
            opened.append(fd)
        try:
            os.unlink(parts[-1], dir_fd=fd)
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            return
        for depth in range(len(parts) - 1, 0, -1):
            parent = opened[depth - 2] if depth >= 2 else root_fd
            try:
                os.rmdir(parts[depth - 1], dir_fd=parent)
            except OSError:
                return  # not empty (other files of the list go first: deepest first) or gone
    finally:
        for fd in opened:
            os.close(fd)

