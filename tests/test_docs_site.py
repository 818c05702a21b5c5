"""The documentation site: the reference pages generated from the code are committed as
generated, every page is in the site's navigation, and the site builds with --strict
(`make test` builds it; here the parts a build does not check)."""

import importlib.util

import yaml
from conftest import ROOT

from ses_metrics.ci.lint import RULES
from ses_metrics.rules import registry


def _generator():
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "_generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_pages_are_committed_as_generated():
    generate = _generator()
    for name, render in generate.PAGES.items():
        assert (ROOT / "docs" / name).read_text(encoding="utf-8") == render(), f"docs/{name} is stale: run `make docs`"


def test_the_lint_rules_page_has_every_rule_with_its_fix():
    page = _generator().lint_rules_page()
    for rule in RULES.values():
        assert f"## {rule.id}" in page and rule.fix in page and rule.explanation in page


def test_the_ses_rules_page_has_every_registry_entry():
    page = _generator().ses_rules_page()
    assert all(entry.what in page and entry.check in page for entry in registry.RULES)


def _nav_pages(items):
    for item in items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            yield from _nav_pages(value)
        else:
            yield value


def test_every_docs_page_is_in_the_navigation():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    pages = set(_nav_pages(config["nav"]))
    assert pages == {p.name for p in (ROOT / "docs").glob("*.md")} | {"index.md"}


def test_the_home_page_is_the_readme_with_links_into_the_site():
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "_hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    home = hooks.readme_as_index()
    assert "](docs/" not in home and "](cli.md)" in home
