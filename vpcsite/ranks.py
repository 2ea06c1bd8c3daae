"""Ranks of a value map's products, relievers and creators (DESIGN §3), as pure functions.

A rank is written (`importance:`) or derived from the customer items the value-map item
addresses, so an unranked canvas still lists its offer by what matters to the customer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Segment, ValueMap

#: The rank of an item that addresses nothing and has none written.
DEFAULT_RANK = 3
OFFER_SECTIONS = ("products", "relievers", "creators")


@dataclass(frozen=True, slots=True)
class Rank:
    value: int
    #: True when the value map gives it (`importance:`); False when derived.
    written: bool

    @property
    def origin(self) -> str:
        return "written" if self.written else "derived"


def offer_ranks(segment: Segment, value_map: ValueMap) -> dict[tuple[str, str], Rank]:
    """Every product, reliever and creator by (section, id) with its rank.

    Derived: the highest weight among the jobs, pains or gains the item addresses; a
    product also counts the pains and gains of the relievers and creators it delivers
    (`by`); an item that reaches none of them ranks 3."""
    jobs = {job.id: job.importance for job in segment.jobs}
    pains = {pain.id: pain.severity for pain in segment.pains}
    gains = {gain.id: gain.relevance for gain in segment.gains}
    reached: dict[tuple[str, str], list[int]] = {}
    delivered: dict[str, list[int]] = {}
    for section, key, weights in (("relievers", "relieves", pains), ("creators", "creates", gains)):
        for item in getattr(value_map, section):
            found = [weights[ref] for ref in getattr(item, key) if ref in weights]
            reached[section, item.id] = found
            for product in item.by:
                delivered.setdefault(product, []).extend(found)
    for product in value_map.products:
        reached["products", product.id] = [jobs[ref] for ref in product.jobs if ref in jobs] + delivered.get(product.id, [])
    ranks: dict[tuple[str, str], Rank] = {}
    for section in OFFER_SECTIONS:
        for item in getattr(value_map, section):
            written = item.importance
            if written is not None:
                ranks[section, item.id] = Rank(written, True)
            else:
                weights_found = reached.get((section, item.id), [])
                ranks[section, item.id] = Rank(max(weights_found, default=DEFAULT_RANK), False)
    return ranks
