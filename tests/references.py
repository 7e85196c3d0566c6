"""What a baked project's text points at, so a test can ask whether it exists in that bake:
project files and modules, README sections, environment variables.

A bake leaves out the files of unchosen options; text that still names them (a README passage,
a comment, a docstring) is a leftover the renderer cannot see. The finders below read every text
file of a bake and say what counts as a reference: each decides by the template's own layout, so
a path of a left-out option is still recognised as a project path and reported missing."""

import re
from dataclasses import dataclass
from pathlib import Path

from tests.bakery import TEMPLATE

TEMPLATE_PROJECT = TEMPLATE / "{{cookiecutter.project_slug}}"
# What the prose calls the project's package when it speaks of any project.
SLUG_PLACEHOLDER = "<slug>"
# Not text written for people: the lock, built wheels, caches, the virtualenv.
NOT_TEXT = {".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".git"}
NOT_TEXT_NAMES = {"uv.lock", "LICENSE"}
# Bare file names are only taken for project files with these extensions: a `.py` named alone
# is a project module far more often than a library's.
BARE_FILE = re.compile(r"(?<![\w/.<>$-])([a-z_][\w-]*\.(?:py|toml|yml|yaml|html))\b")
PATH = re.compile(r"(?<![\w/.<>:$@-])((?:<slug>|[\w.-]+)(?:/(?:<[a-z_]+>|[\w.-]+))+/?)")
# A whole token first (a salt like `my_project.accounts.session-user` is no module), then its shape.
TOKEN = re.compile(r"(?<![\w.<>/-])[\w<>][\w.<>-]*")
DOTTED = re.compile(r"(?:<slug>|[a-z_]\w*)(?:\.[A-Za-z_]\w*)+")
CHECK_ID = re.compile(r"[EW]\d{3}")
IS_INSTALLED = re.compile(r"is_installed\([^)]*\)")
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+")


def text_files(project: Path) -> list[Path]:
    return sorted(
        path
        for path in project.rglob("*")
        if path.is_file()
        and not NOT_TEXT & set(path.relative_to(project).parts)
        and path.name not in NOT_TEXT_NAMES
        and path.suffix not in {".whl", ".pyc", ".png"}
    )


def template_names() -> set[str]:
    """Every directory and file name the template can generate, whichever options are chosen."""
    return {
        path.name
        for path in TEMPLATE_PROJECT.rglob("*")
        if not NOT_TEXT & set(path.parts) and "{{" not in path.name
    }


@dataclass(frozen=True)
class Reference:
    where: str  # path:line
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


def _lines(project: Path) -> list[tuple[str, str]]:
    """(path:line, line) for every line of every text file, URLs blanked out."""
    return [
        (f"{path.relative_to(project)}:{number}", URL.sub(" ", line))
        for path in text_files(project)
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
    ]


def _path_suffixes(project: Path) -> set[str]:
    """Every trailing run of path components of every file and directory of the bake:
    `accounts/session_store.py` names `my_project/platform/accounts/session_store.py`."""
    suffixes = set()
    for path in project.rglob("*"):
        parts = path.relative_to(project).parts
        if NOT_TEXT & set(parts):
            continue
        suffixes |= {"/".join(parts[start:]) for start in range(len(parts))}
    return suffixes


def missing_paths(project: Path) -> list[Reference]:
    """Project paths (`config/gunicorn_events.py`, `platform/core/`, `notes/selectors.py`,
    `gunicorn_events.py`) named anywhere in the bake that the bake does not contain. A path counts
    as the project's when its first component is a name the template generates (or the package,
    or `docs`); `<app>`-style placeholders match any name."""
    slug = project.name
    known = template_names() | {slug, SLUG_PLACEHOLDER, "docs"}
    suffixes = _path_suffixes(project)
    file_names = {path.name for path in project.rglob("*") if path.is_file()}
    missing = []
    for where, line in _lines(project):
        for match in PATH.finditer(line):
            reference = match.group(1).rstrip(".").rstrip("/")
            parts = reference.split("/")
            if parts[0] not in known:
                continue
            if (project / parts[0] / ".gitignore").is_file():
                # What `make wheels` fills in: only the folder is the project's.
                parts = parts[:1]
            if not _path_exists(parts, slug=slug, suffixes=suffixes):
                missing.append(Reference(where, match.group(1)))
        for match in BARE_FILE.finditer(line):
            if match.group(1) in known and match.group(1) not in file_names:
                missing.append(Reference(where, match.group(1)))
    return missing


def _path_exists(parts: list[str], *, slug: str, suffixes: set[str]) -> bool:
    parts = [slug if part == SLUG_PLACEHOLDER else part for part in parts]
    placeholder = re.compile(r"<[a-z_]+>")
    if not any(placeholder.fullmatch(part) for part in parts):
        # `core/permissions` names the module core/permissions.py.
        return "/".join(parts) in suffixes or "/".join(parts) + ".py" in suffixes
    # `my_project/<app>/apps.py`: the parts before the first placeholder must exist.
    first = next(i for i, part in enumerate(parts) if placeholder.fullmatch(part))
    return first == 0 or "/".join(parts[:first]) in suffixes


def missing_modules(project: Path) -> list[Reference]:
    """Dotted names under the project's packages (`config.settings.production`,
    `my_project.platform.core.redis_clients.redis_client`, `<slug>.core.health`) that name no
    module of the bake, or no name defined in the module they reach."""
    slug = project.name
    modules = {name.removesuffix(".py") for name in template_names()}
    loggers = _logger_names(project)
    missing = []
    for where, line in _lines(project):
        # Asking whether an app is installed names one that may not be.
        for token in TOKEN.findall(IS_INSTALLED.sub("", line)):
            dotted = token.rstrip(".")
            if not DOTTED.fullmatch(dotted):
                continue
            parts = dotted.split(".")
            # `config.write_text` is a variable's method, `my_project.E001` a check's ID.
            if parts[0] not in {slug, SLUG_PLACEHOLDER, "config"} or parts[1] not in modules:
                continue
            if CHECK_ID.fullmatch(parts[-1]):
                continue
            parts[0] = slug if parts[0] == SLUG_PLACEHOLDER else parts[0]
            if not _module_exists(project, parts, defined=loggers):
                missing.append(Reference(where, dotted))
    return missing


def _module_exists(project: Path, parts: list[str], *, defined: set[str]) -> bool:
    if ".".join(parts) in defined:
        return True
    path = project
    for index, part in enumerate(parts):
        if (path / part).is_dir():
            path = path / part
            continue
        module = path / f"{part}.py"
        if module.is_file():
            attributes = parts[index + 1 :]
            return not attributes or _defines(module, attributes[0])
        init = path / "__init__.py"
        return index > 0 and init.is_file() and _defines(init, part)
    return True


def _defines(module: Path, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", module.read_text()) is not None


def _logger_names(project: Path) -> set[str]:
    """Logger names the logging settings configure: dotted like modules, but not modules."""
    logging = project / "config" / "settings" / "components" / "logging.py"
    return set(re.findall(rf'"({re.escape(project.name)}\.[\w.]+)": \{{', logging.read_text()))


# Cross-references in use: `docs/web-servers.md`, `docs/api.md: The contract` (a reference page
# and a heading or bold lead of it), `README: Your first app`, `README: Docker: Building offline`,
# `the README's Redis section`, `README "Rate limiting"`, `see the deployment docs`, and in the
# README itself
# `(see Rate limiting)`, `(API: The contract)` and links to `#anchors`.
PHRASE = r"[A-Z`][^().,;:\"]*"
README_REFERENCE = re.compile(rf"README: ({PHRASE})(?:: ({PHRASE}))?")
README_SECTION = re.compile(r"(?:README's|see the) ([A-Z`][^().,;:\"']*?) section")
README_QUOTED = re.compile(r'README "([^"]+)"')
# `see the deployment docs`: a document or section that must exist.
DOCUMENT = re.compile(r"\bsee the ([\w -]+?) (?:docs|documentation|guide)\b", re.IGNORECASE)
SEE = re.compile(rf"\(see ({PHRASE})\)")
SECTION_AND_PART = re.compile(r"\(([A-Z][^().,;:\"`]*): ([A-Z`][^().,;:\"]*)\)")
ANCHOR_LINK = re.compile(r"\]\(#([^)]*)\)")
DOC_REFERENCE = re.compile(rf"\bdocs/([\w-]+\.md)(?:: ({PHRASE}))?")
# `[Redis](docs/redis.md)`, `[the contract](api.md#the-contract-the-schema-is-the-truth)`.
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6}) (.*)$")
BOLD_LEAD = re.compile(r"\*\*([^*]+?)\.?\*\*")


def readme_headings(readme: str) -> list[str]:
    """The README's headings, in order, code blocks left out."""
    headings, in_code = [], False
    for line in readme.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and (match := HEADING.match(line)):
            headings.append(match.group(2).strip())
    return headings


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def readme_anchors(readme: str) -> set[str]:
    anchors: set[str] = set()
    for heading in readme_headings(readme):
        anchor = base = github_anchor(heading)
        number = 0
        while anchor in anchors:  # GitHub numbers repeated headings: -1, -2, ...
            number += 1
            anchor = f"{base}-{number}"
        anchors.add(anchor)
    return anchors


def _names_a_section(phrase: str, titles: list[str]) -> bool:
    """`phrase` starts with a heading's title (or its part before a colon) and may go on with
    prose (`Web servers says why`), or is the start of a longer title (`Replace the example`)."""
    words = phrase.replace("`", "").lower().split()
    for title in titles:
        title_words = title.replace("`", "").lower().split()
        short_words = title.split(":")[0].replace("`", "").lower().split()
        for candidate in (title_words, short_words):
            if candidate and words[: len(candidate)] == candidate:
                return True
        if len(words) >= 2 and title_words[: len(words)] == words:
            return True
    return False


def _flat(path: Path) -> str:
    """The file as one line: comment markers and line breaks dropped, so a reference broken
    over two comment lines reads whole."""
    lines = path.read_text(errors="replace").splitlines()
    return " ".join(re.sub(r"^\s*(?:#+ ?|// ?)?", "", line) for line in lines)


def markdown_pages(project: Path) -> list[Path]:
    """The guide (README.md) and the reference pages (docs/)."""
    return [project / "README.md", *sorted((project / "docs").glob("*.md"))]


def missing_links(project: Path) -> list[Reference]:
    """Relative links in the README and docs/ (`docs/redis.md`, `api.md#the-contract-...`,
    `#anchor`) to a file the bake lacks or an anchor no heading of that page gives."""
    missing = []
    for page in markdown_pages(project):
        for target in MARKDOWN_LINK.findall(page.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            path, _, anchor = target.partition("#")
            linked = page.parent / path if path else page
            found = linked.exists() and (
                not anchor or linked.suffix != ".md" or anchor in readme_anchors(linked.read_text())
            )
            if not found:
                missing.append(Reference(str(page.relative_to(project)), target))
    return missing


def _doc_reference_missing(project: Path, page: str, part: str | None) -> bool:
    """`docs/api.md: The contract` names a page and, after the colon, a heading or bold lead."""
    path = project / "docs" / page
    if not path.is_file():
        return True
    if not part:
        return False
    text = path.read_text()
    return not _names_a_section(part, readme_headings(text) + BOLD_LEAD.findall(text))


def missing_sections(project: Path) -> list[Reference]:
    """Cross-references to README sections, docs pages and their headings (and `#anchor` links)
    that no heading answers. The README and docs/ refer to each other's headings in prose too:
    `(see Rate limiting)`, `(API: The contract)`."""
    readme = (project / "README.md").read_text()
    titles = readme_headings(readme)
    leads = BOLD_LEAD.findall(readme)
    pages = markdown_pages(project)
    page_texts = [page.read_text() for page in pages]
    all_titles = [title for text in page_texts for title in readme_headings(text)]
    all_leads = [lead for text in page_texts for lead in BOLD_LEAD.findall(text)]
    missing = [
        Reference("README.md", f"#{anchor}")
        for anchor in ANCHOR_LINK.findall(readme)
        if anchor not in readme_anchors(readme)
    ]
    for path in text_files(project):
        where = str(path.relative_to(project))
        text = URL.sub(" ", _flat(path))
        phrases = [match.group(1) for match in README_SECTION.finditer(text)]
        phrases += README_QUOTED.findall(text)
        phrases += [
            name
            for name in DOCUMENT.findall(text)
            if not (project / "docs" / f"{name}.md").is_file()
        ]
        parts = [(m.group(1), m.group(2)) for m in README_REFERENCE.finditer(text)]
        missing += [
            Reference(where, m.group(0))
            for m in DOC_REFERENCE.finditer(text)
            if _doc_reference_missing(project, m.group(1), m.group(2))
        ]
        prose: list[str] = []
        if path in pages:
            prose += SEE.findall(text)
            prose += [
                f"{m.group(1)}: {m.group(2)}"
                for m in SECTION_AND_PART.finditer(text)
                if m.group(1) != "README"  # `(README: Web servers)`, taken above
            ]
        for section, part in parts:
            phrases.append(section)
            if part and not _names_a_section(part, titles + leads):
                missing.append(Reference(where, f"{section}: {part}"))
        missing += [
            Reference(where, phrase) for phrase in phrases if not _names_a_section(phrase, titles)
        ]
        missing += [
            Reference(where, phrase)
            for phrase in prose
            if not _names_section_and_part(phrase, all_titles, all_leads)
        ]
    return missing


def _names_section_and_part(phrase: str, titles: list[str], leads: list[str]) -> bool:
    """`Rate limiting` names a heading; `Docker: Building offline` a heading and, after the
    colon, a heading or bold lead (the README and docs/ read as one text)."""
    section, _, part = phrase.partition(": ")
    if not _names_a_section(section, titles):
        return False
    return not part or _names_a_section(part, titles + leads)
