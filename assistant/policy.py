"""What an organisation decides about its records, beside its checks: the `gate` section
of a style guide (what blocks a send, what is stored, for how long). assistant/sections.py
registers it with the guide loader."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .guide import Section


class GateOptions(Section):
    on_unavailable: Literal["allow", "block"] = Field(
        "allow",
        description="When a check cannot run (LanguageTool down): let the send through with that check marked "
        "unavailable, or block it until it is overridden. Recorded either way.",
    )
    store_text: Literal["masked", "full"] = Field(
        "masked",
        description="What the record keeps of a sent reply: the text with personal data masked (the "
        "confidentiality check's spans and the customer's own details), or the full text.",
    )
    retention_days: int | None = Field(
        365,
        ge=1,
        description="Days after which a record's text is purged (its findings stay); null keeps it for good.",
    )
