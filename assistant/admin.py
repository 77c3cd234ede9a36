"""`tactful keys | orgs | store`: an admin's commands on the store (organisations, API
keys, migrations, retention). They talk to the database at TACTFUL_STORE_URL directly;
the running service sees a new or revoked key within TACTFUL_KEY_CACHE_SECONDS."""

from __future__ import annotations

import argparse
import sys

from .settings import Settings
from .store import Role, Store, StoreDown


class AdminError(Exception):
    """Bad input for an admin command: the message says what to do."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    keys = commands.add_parser("keys", help="API keys of organisations: create, list, revoke")
    key_actions = keys.add_subparsers(required=True, metavar="ACTION")
    create = key_actions.add_parser("create", help="make a key; prints the token once (stdout)")
    create.add_argument("--org", required=True, help="the organisation's id (made if it is new)")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--name", default="", help="a label: who or what holds the key")
    create.set_defaults(run=_keys_create)
    listing = key_actions.add_parser("list", help="list keys (never their tokens)")
    listing.add_argument("--org", help="only this organisation's")
    listing.set_defaults(run=_keys_list)
    revoke = key_actions.add_parser("revoke", help="revoke a key by its id (key_...)")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=_keys_revoke)

    orgs = commands.add_parser("orgs", help="organisations: list them, set their host origins and default guide")
    org_actions = orgs.add_subparsers(required=True, metavar="ACTION")
    org_actions.add_parser("list", help="every organisation").set_defaults(run=_orgs_list)
    origins = org_actions.add_parser("origins", help="set the host origins (CORS, frame-ancestors); none clears")
    origins.add_argument("org")
    origins.add_argument("origin", nargs="*", help="e.g. https://acme.zendesk.com")
    origins.set_defaults(run=_orgs_origins)
    guide = org_actions.add_parser("guide", help="set the guide used when a request names none ('' clears)")
    guide.add_argument("org")
    guide.add_argument("guide_id")
    guide.set_defaults(run=_orgs_guide)

    store = commands.add_parser("store", help="the store: bring its schema up to date, purge old text")
    store_actions = store.add_subparsers(required=True, metavar="ACTION")
    store_actions.add_parser("migrate", help="apply the Alembic migrations").set_defaults(run=_store_migrate)
    store_actions.add_parser("purge", help="drop stored text past each guide's retention").set_defaults(
        run=_store_purge
    )


def open_store(settings: Settings | None = None) -> Store:
    settings = settings or Settings()
    store = Store(settings.store_url, key_cache_seconds=0)
    try:
        store.migrate()
    except StoreDown as exc:
        raise AdminError(f"the store at TACTFUL_STORE_URL is not answering ({exc})") from exc
    return store


def _keys_create(args: argparse.Namespace) -> int:
    store = open_store()
    try:
        if store.keys.organisation(args.org) is None:
            try:
                store.keys.create_organisation(args.org)
            except ValueError as exc:
                raise AdminError(str(exc)) from exc
            print(f"created organisation {args.org}", file=sys.stderr)
        info, token = store.keys.create(args.org, Role(args.role), args.name)
    finally:
        store.close()
    print(f"{info.id}: {info.organisation}'s new {info.role} key; the token is shown only now:", file=sys.stderr)
    print(token)
    return 0


def _keys_list(args: argparse.Namespace) -> int:
    store = open_store()
    try:
        for key in store.keys.list(args.org):
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            print(f"{key.id}  {key.organisation}  {key.role:<8}  {key.created_at:%Y-%m-%d %H:%M}  {state}  {key.name}")
    finally:
        store.close()
    return 0


def _keys_revoke(args: argparse.Namespace) -> int:
    store = open_store()
    try:
        key = store.keys.revoke(args.key_id)
    finally:
        store.close()
    if key is None:
        raise AdminError("no key has this id; `tactful keys list` shows them")
    print(f"{key.id} of {key.organisation} is revoked")
    return 0


def _orgs_list(args: argparse.Namespace) -> int:
    store = open_store()
    try:
        for org in store.keys.organisations():
            origins = " ".join(org.host_origins) or "-"
            print(f"{org.id}  guide: {org.default_guide or '-'}  origins: {origins}  {org.name}")
    finally:
        store.close()
    return 0


def _orgs_origins(args: argparse.Namespace) -> int:
    from .origins import normalise_origin

    try:
        origins = [normalise_origin(origin) for origin in args.origin]
    except ValueError as exc:
        raise AdminError(str(exc)) from exc
    return _update(args.org, host_origins=origins)


def _orgs_guide(args: argparse.Namespace) -> int:
    return _update(args.org, default_guide=args.guide_id)


def _update(org_id: str, **changes: object) -> int:
    from .store import UnknownOrganisation

    store = open_store()
    try:
        org = store.keys.update_organisation(org_id, **changes)  # type: ignore[arg-type]
    except UnknownOrganisation as exc:
        raise AdminError("no organisation has this id; `tactful orgs list` shows them") from exc
    finally:
        store.close()
    print(f"{org.id}: guide {org.default_guide or '-'}, origins {' '.join(org.host_origins) or '-'}")
    return 0


def _store_migrate(args: argparse.Namespace) -> int:
    open_store().close()
    print("the store's schema is up to date")
    return 0


def _store_purge(args: argparse.Namespace) -> int:
    from .gate import purge_expired
    from .sections import load_guides

    settings = Settings()
    guides = load_guides(settings.guides_dir, settings.extra_guides)
    store = open_store(settings)
    try:
        purged = purge_expired(store, guides)
    finally:
        store.close()
    for guide_id, count in sorted(purged.items()):
        print(f"{guide_id}: purged the text of {count} record(s)")
    return 0
