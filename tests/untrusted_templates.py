"""Templates that attack the service rather than the reader, for the isolation tests.

Each one was found from outside: a template whose compiling evaluates it,
whose tags cost quadratic time, that forces the docxtpl path, that nests too
deeply for Python, or that prints Python's descriptions of its own objects.
"""

from __future__ import annotations

import io

import docx

from tests import hostile_templates as hostile
from tests.docx_factory import _add_footnotes

#: Jinja's compiler used to fold this into a list of 20 million items (17.8 s,
#: 1.1 GB in the web worker). A tenth of it still costs the old code ~200 MB.
FOLDED_BATCH = "{{ 'x'|batch(%d, 'y')|list }}"
#: Paragraphs of unclosed openers: each regex scan ran to the end of the part.
BRACES = "{" * 64_000
#: Balanced tags, too many of them: 84,000 in 38 KiB.
MANY_TAGS = "{{a}}" * 84_000

#: Compile-time limits of Python and Jinja (each was a 500).
TOO_COMPLEX = {
    "300 chained filters": "{{ title" + "|trim" * 300 + " }}",
    "25 nested loops": "".join(f"{{% for i{n} in title %}}" for n in range(25))
    + "x"
    + "{% endfor %}" * 25,
    "300 nested parentheses": "{{ " + "(" * 300 + "1" + ")" * 300 + " }}",
    "a 5000-digit number": "{{ " + "9" * 5000 + " }}",
}
#: Render-time recursion (each was a 500 with a traceback).
RECURSIVE = {
    "recursive macro": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "self calls its block": "{% block b %}{{ self.b() }}{% endblock %}",
    "recursive loop": "{% for p in [[1]] recursive %}{{ loop([p]) }}{% endfor %}",
}
#: Expressions that printed Python's description of an object.
OBJECT_DESCRIPTIONS = {
    "a method": "{{ title.upper }}",
    "the template itself": "{{ self }}",
    "the loop": "{% for p in parties %}{{ loop }}{% endfor %}",
    "a macro": "{% macro m() %}x{% endmacro %}{{ m }}",
    "a generator": "{{ parties|map(attribute='name') }}",
    "a list of generators": "{{ [parties|map(attribute='name')] }}",
}
PYTHON_DESCRIPTIONS = ("<built-in", " object at 0x", "<generator", "LoopContext",
                       "TemplateReference", "<Macro", "&lt;")  # fmt: skip


def template(text: str) -> bytes:
    """A one-paragraph agreement template after a title line."""
    return hostile.docx("Title: {{ title }}", text)


def xml_comment_in_body() -> bytes:
    """A body holding an XML comment that looks like the body's end tag.

    The compiled engine cannot tell the body apart and used to hand the
    template to docxtpl.
    """
    return hostile.with_body([hostile.paragraph("{{ title }}"), "<!-- </w:body> -->"])


def footnote_in_two_sections() -> bytes:
    """Two sections and a footnote that prints ``extra.note``.

    docxtpl renders footnotes once per section: the note's text was rendered a
    second time as template code.
    """
    document = docx.Document()
    document.add_paragraph("Section one: {{ title }}")
    document.add_section()
    document.add_paragraph("Section two")
    _add_footnotes(document, ["Note: {{ extra.note }}"])
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def footnotes_by_default_type(note: str) -> bytes:
    """Footnotes in a customXml part, declared by the ``Default`` for ".xml".

    Word's default template leaves customXml/item1.xml to the ``Default``
    content type; made the footnotes type, docxtpl renders that part.
    """
    source = hostile.docx("Body: {{ title }}")
    part = hostile.members(footnote_in_two_sections())["word/footnotes.xml"]
    part = part.replace(b"Note: {{ extra.note }}", note.encode())
    footnotes_type = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    )
    types = hostile.members(source)["[Content_Types].xml"].decode()
    types = types.replace(
        '<Default Extension="xml" ContentType="application/xml"/>',
        f'<Default Extension="xml" ContentType="{footnotes_type}"/>',
    )
    return hostile.rezip(
        source,
        replace={"[Content_Types].xml": types.encode(), "customXml/item1.xml": part},
    )
