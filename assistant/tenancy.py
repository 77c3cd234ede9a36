"""Which guides (and so which templates) an organisation may name: its own and the
shared ones. A guide of another organisation is refused exactly as an unknown one is,
and the list of known guides in the refusal holds only those the caller may see."""

from __future__ import annotations

from collections.abc import Mapping

from .guide import Guide, UnknownGuide
from .model import Context


def visible(guide: Guide, organisation: str) -> bool:
    return guide.organisation is None or guide.organisation == organisation


def visible_guides(guides: Mapping[str, Guide], organisation: str) -> dict[str, Guide]:
    return {guide_id: guide for guide_id, guide in guides.items() if visible(guide, organisation)}


def guide_id_for(
    requested: str | None, guides: Mapping[str, Guide], organisation: str, default_guide: str | None
) -> str | None:
    """The guide a request of `organisation` runs with: the one it names, else the
    organisation's default, else None (the service's default). UnknownGuide if that
    guide does not exist or belongs to another organisation."""
    guide_id = requested or default_guide
    if guide_id is None:
        return None
    guide = guides.get(guide_id)
    if guide is None or not visible(guide, organisation):
        known = ", ".join(sorted(visible_guides(guides, organisation)))
        raise UnknownGuide(f"Unknown style guide; known guides: {known} (or none, for the default).")
    return guide_id


def scoped(context: Context, guides: Mapping[str, Guide], organisation: str, default_guide: str | None) -> Context:
    """`context` with the guide this organisation's request runs with."""
    guide_id = guide_id_for(context.guide, guides, organisation, default_guide)
    return context if guide_id == context.guide else context.model_copy(update={"guide": guide_id})
