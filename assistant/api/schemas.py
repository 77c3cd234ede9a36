"""The HTTP request bodies; responses are the model's Report and friends."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..model import Context


class CheckRequest(Context):
    text: str = Field(description="The draft, as plain text or HTML (see `format`).")
    format: Literal["text", "html"] = "text"
    checks: list[str] | None = Field(None, description="Run only these checks (default: all).")


class Dependency(BaseModel):
    status: Literal["up", "down", "not_configured"]
    detail: str | None = None


class Readiness(BaseModel):
    ready: bool
    dependencies: dict[str, Dependency]


class Problem(BaseModel):
    """application/problem+json (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
