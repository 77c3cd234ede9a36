"""`/v1/keys`: an admin manages the API keys of their own organisation (the CLI's
`tactful keys` does the same for any organisation, from the server). A token is shown
once, in the answer that makes it; the store keeps only its hash."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from ..store import KeyInfo, Role
from .body import JsonBodyRoute
from .deps import AdminDep, ServicesDep
from .problems import ProblemError
from .responses import BODY_PROBLEMS, READ_PROBLEMS, Responses, merged, problem_response
from .schemas import ID_CHARS, NAME_CHARS

router = APIRouter(tags=["keys"], route_class=JsonBodyRoute)
NOT_FOUND: Responses = {404: problem_response("No key of your organisation has this id.")}


class KeyOut(BaseModel):
    id: str
    role: Role
    name: str
    created_at: datetime
    revoked_at: datetime | None


class NewKeyOut(KeyOut):
    token: str = Field(description="The key itself: shown only now, stored only as a hash. Keep it secret.")


class KeyBody(BaseModel):
    role: Role
    name: Annotated[str, Field(max_length=NAME_CHARS)] = Field("", description="Who or what holds the key.")


def _out(key: KeyInfo) -> KeyOut:
    return KeyOut(id=key.id, role=key.role, name=key.name, created_at=key.created_at, revoked_at=key.revoked_at)


@router.post("/v1/keys", response_model=NewKeyOut, status_code=201, responses=BODY_PROBLEMS)
async def create_key(body: KeyBody, principal: AdminDep, services: ServicesDep) -> NewKeyOut:
    """A new key of your organisation."""
    key, token = await run_in_threadpool(services.store.keys.create, principal.organisation, body.role, body.name)
    return NewKeyOut(**_out(key).model_dump(), token=token)


@router.get("/v1/keys", response_model=list[KeyOut], responses=READ_PROBLEMS)
async def list_keys(principal: AdminDep, services: ServicesDep) -> list[KeyOut]:
    """Your organisation's keys (never their tokens), revoked ones too."""
    return [_out(key) for key in await run_in_threadpool(services.store.keys.list, principal.organisation)]


@router.delete("/v1/keys/{key_id}", response_model=KeyOut, responses=merged(READ_PROBLEMS, NOT_FOUND))
async def revoke_key(
    key_id: Annotated[str, Path(max_length=ID_CHARS)], principal: AdminDep, services: ServicesDep
) -> KeyOut:
    """Revoke a key of your organisation: it stops working within TACTFUL_KEY_CACHE_SECONDS."""
    key = await run_in_threadpool(services.store.keys.revoke, key_id, principal.organisation)
    if key is None:
        raise ProblemError(404, "No key of your organisation has this id.")
    return _out(key)
