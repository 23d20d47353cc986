"""The source registry: outlets and organisations described in a ``sources.toml`` file.

    [[source]]
    name = "Valdoria Today"
    kind = "outlet"            # outlet, agency, government, organisation, community, account
    country = "XA"
    language = "en"
    domain = "valdoria-today.example"
    owner = "Northern Media Group"

Documents name their source (front matter ``source:``, a ``source`` column) or are matched by
their URL's domain; the registry supplies the rest of the source's description.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from infoscope.errors import InfoscopeError
from infoscope.ingest.records import SourceInfo
from infoscope.model import SOURCE_KINDS


class SourceRegistry:
    def __init__(self, sources: list[SourceInfo] | None = None) -> None:
        self.by_name: dict[str, SourceInfo] = {}
        self.by_domain: dict[str, SourceInfo] = {}
        for s in sources or []:
            self.add(s)

    def add(self, source: SourceInfo) -> None:
        self.by_name[source.name.casefold()] = source
        if source.domain:
            self.by_domain[bare_domain(source.domain)] = source

    def find(self, name: str | None = None, domain: str | None = None) -> SourceInfo | None:
        if name and name.casefold() in self.by_name:
            return self.by_name[name.casefold()]
        if domain:
            return self.by_domain.get(bare_domain(domain))
        return None

    @classmethod
    def load(cls, path: Path) -> SourceRegistry:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InfoscopeError(f"cannot read source registry {path}: {exc}") from exc
        entries = data.get("source", [])
        sources = []
        for i, e in enumerate(entries, start=1):
            if not isinstance(e, dict) or not e.get("name"):
                raise InfoscopeError(f"{path}: source #{i} has no name")
            kind = e.get("kind", "unknown")
            if kind not in SOURCE_KINDS:
                raise InfoscopeError(
                    f"{path}: source {e['name']!r} has unknown kind {kind!r} "
                    f"(one of {', '.join(SOURCE_KINDS)})"
                )
            sources.append(
                SourceInfo(
                    name=str(e["name"]),
                    kind=kind,
                    country=(e.get("country") or None),
                    language=e.get("language"),
                    domain=e.get("domain"),
                    owner=e.get("owner"),
                )
            )
        return cls(sources)


def bare_domain(domain: str) -> str:
    d = domain.lower().strip().rstrip(".")
    return d[4:] if d.startswith("www.") else d
