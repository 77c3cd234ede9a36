"""What routes are handed: the process's services, the admission gate, and who is
calling (the API key's organisation and role), as typed `Annotated` dependencies.

Async, though they only read: FastAPI runs a plain `def` dependency on a worker thread,
two thread hops on every keystroke's check. A key the cache knows costs no thread hop;
an unknown one is looked up in the store on a worker thread."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..model import Context
from ..services import Services
from ..store import Principal, Role, StoreDown
from ..tenancy import scoped
from .admission import Admission
from .problems import ProblemError

STORE_RETRY_SECONDS = 2
bearer = HTTPBearer(auto_error=False, description="An organisation's API key (`tactful keys create`).")


async def get_services(request: Request) -> Services:
    return request.app.state.services


async def get_admission(request: Request) -> Admission:
    return request.app.state.admission


ServicesDep = Annotated[Services, Depends(get_services)]
AdmissionDep = Annotated[Admission, Depends(get_admission)]


def store_down(what: str) -> ProblemError:
    return ProblemError(
        503,
        f"The store cannot {what} right now (down or starting); try again in {STORE_RETRY_SECONDS} s.",
        headers={"Retry-After": str(STORE_RETRY_SECONDS)},
    )


async def get_principal(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise _unauthorised("This endpoint needs an API key: send `Authorization: Bearer <key>`.")
    keys = services.store.keys
    token = credentials.credentials
    found = keys.cached(token)
    if found is False:
        try:
            found = await run_in_threadpool(keys.authenticate, token)
        except StoreDown as exc:
            raise store_down("check the API key") from exc
    if not isinstance(found, Principal):
        raise _unauthorised("The API key is unknown or revoked; ask an admin for a key (`tactful keys create`).")
    request.state.principal = found
    return found


def _unauthorised(detail: str) -> ProblemError:
    return ProblemError(401, detail, headers={"WWW-Authenticate": 'Bearer realm="tactful"'})


def role(*roles: Role):  # noqa: ANN201 - a FastAPI dependency factory
    async def require(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.may(*roles):
            needed = " or ".join(r.value for r in (*roles, Role.admin))
            raise ProblemError(403, f"This needs a key with the role {needed}; this key's role is {principal.role}.")
        return principal

    return require


AgentDep = Annotated[Principal, Depends(role(Role.agent))]
ReviewerDep = Annotated[Principal, Depends(role(Role.reviewer))]
AgentOrReviewerDep = Annotated[Principal, Depends(role(Role.agent, Role.reviewer))]
AdminDep = Annotated[Principal, Depends(role(Role.admin))]


def scope(context: Context, principal: Principal, services: Services) -> Context:
    """The context with the guide the caller's organisation runs with (UnknownGuide, a
    422, for another organisation's guide exactly as for one that does not exist)."""
    return scoped(context, services.pipeline.guides, principal.organisation, principal.default_guide)
