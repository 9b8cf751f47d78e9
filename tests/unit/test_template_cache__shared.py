"""Apps made in one process share compiled templates: the second environment loads the first one's
code instead of compiling, and a template whose source changed is compiled again."""
from __future__ import annotations

from jinja2 import DictLoader, Environment

from web.template_cache import ProcessBytecodeCache


class CountingEnvironment(Environment):
    compiled = 0

    def _compile(self, source, filename):
        CountingEnvironment.compiled += 1
        return super()._compile(source, filename)


def test_a_second_environment_reuses_the_code_and_a_changed_source_is_compiled_again():
    cache, sources = ProcessBytecodeCache(), {"page.html": "Hello {{ name }}"}
    first, second = (CountingEnvironment(loader=DictLoader(sources), bytecode_cache=cache) for _ in range(2))
    assert first.get_template("page.html").render(name="Ava") == "Hello Ava"
    assert CountingEnvironment.compiled == 1
    assert second.get_template("page.html").render(name="Lee") == "Hello Lee"
    assert CountingEnvironment.compiled == 1
    sources["page.html"] = "Goodbye {{ name }}"
    third = CountingEnvironment(loader=DictLoader(sources), bytecode_cache=cache)
    assert third.get_template("page.html").render(name="Ava") == "Goodbye Ava"
    assert CountingEnvironment.compiled == 2
