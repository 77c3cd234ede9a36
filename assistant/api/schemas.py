"""The HTTP request bodies; responses are the model's Report and friends.

The request schema caps every string and list it takes (documented in docs/usage.md):
the model's Context stays free of transport limits, its fields are narrowed here. The
draft `text` itself is limited by TACTFUL_MAX_TEXT_CHARS, in characters, with 413."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ..model import Agent, Context, Customer, Message, Ticket

NAME_CHARS = 200  # a person's or team's name
ID_CHARS = 100  # identifiers, guide ids, ticket fields
EMAIL_CHARS = 320
PHONE_CHARS = 50
IDENTIFIERS = 50
THREAD_MESSAGES = 20
MESSAGE_CHARS = 10_000
CHECK_NAMES = 20
CHECK_NAME_CHARS = 50
ATTACHMENTS = 50
FILE_NAME_CHARS = 255

Name = Annotated[str, Field(max_length=NAME_CHARS)]
Identifier = Annotated[str, Field(max_length=ID_CHARS)]


class CustomerIn(Customer):
    name: Name | None = None
    identifiers: list[Identifier] = Field(
        default_factory=list, max_length=IDENTIFIERS, description="Account, order or case numbers."
    )
    email: Annotated[str, Field(max_length=EMAIL_CHARS)] | None = None
    phone: Annotated[str, Field(max_length=PHONE_CHARS)] | None = None


class TicketIn(Ticket):
    id: Identifier | None = None
    priority: Identifier | None = None
    status: Identifier | None = None


class MessageIn(Message):
    text: str = Field(max_length=MESSAGE_CHARS)


class AgentIn(Agent):
    id: Identifier | None = None
    name: Name | None = None
    team: Name | None = None


class ContextIn(Context):
    """The Context as a request carries it: every string and list capped (the one place
    the caps are written; /v1/check, /v1/sends and /v1/drafts all take it)."""

    guide: Identifier | None = Field(
        None,
        description="Style guide id: your organisation's own or a shared one; defaults to your "
        "organisation's default guide, else the service's.",
    )
    customer: CustomerIn = Field(default_factory=CustomerIn)
    ticket: TicketIn = Field(default_factory=TicketIn)
    thread: list[MessageIn] = Field(default_factory=list, max_length=THREAD_MESSAGES)  # type: ignore[assignment]
    agent: AgentIn = Field(default_factory=AgentIn)
    attachments: list[Annotated[str, Field(max_length=FILE_NAME_CHARS)]] | None = Field(
        None, max_length=ATTACHMENTS, description="Files attached to the reply; null when the client cannot tell."
    )

    def context(self) -> Context:
        return Context.model_validate(self.model_dump(include=set(Context.model_fields)))


class ReplyIn(ContextIn):
    """A reply and its context: what `/v1/check` checks and `/v1/sends` gates."""

    text: str = Field(
        description="The draft, as plain text or HTML (see `format`): at most TACTFUL_MAX_TEXT_CHARS "
        "characters (50,000 by default); longer drafts get 413."
    )
    format: Literal["text", "html"] = "text"


class CheckRequest(ReplyIn):
    checks: list[Annotated[str, Field(max_length=CHECK_NAME_CHARS)]] | None = Field(
        None, max_length=CHECK_NAMES, description="Run only these checks (default: all)."
    )


class LanguageToolServer(BaseModel):
    url: str
    status: Literal["up", "down"] = Field(description="What its probe said just now (or last, when it is slow).")
    in_rotation: bool = Field(description="False while the pool sends it nothing (marked down, awaiting its probe).")
    in_flight: int = Field(description="Requests of this process waiting on it.")
    detail: str | None = None


class Dependency(BaseModel):
    status: Literal["up", "down", "migrating", "not_configured"]
    detail: str | None = None
    servers: list[LanguageToolServer] | None = Field(None, description="LanguageTool: each server of the pool.")


class CacheFigures(BaseModel):
    size: int = Field(description="Entries held now.")
    maxsize: int = Field(description="Most it holds (0: off).")
    hits: int
    misses: int


class Readiness(BaseModel):
    ready: bool
    dependencies: dict[str, Dependency]
    caches: dict[str, CacheFigures] = Field(
        default_factory=dict,
        description="This process's caches by name (`languagetool.paragraphs`, `tone.sentences`…).",
    )


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the field at fault (`body` for the body as a whole).")
    message: str


class Problem(BaseModel):
    """application/problem+json (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = Field(description="What went wrong and what to do; never repeats a submitted value.")
    errors: list[FieldError] | None = Field(None, description="With 422: each field at fault.")
