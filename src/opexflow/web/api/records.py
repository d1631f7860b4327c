"""The records of a project (team, survey, Table 1, problems, causes, whys, measures, risks, decisions).

One route set per kind in :data:`opexflow.workspace.items.KINDS`, with
request and response schemas derived from the table, so that the API, the
UI forms and the database never disagree about a field:

    GET    /projects/{project_id}/{kind}              list
    POST   /projects/{project_id}/{kind}              create
    PATCH  /projects/{project_id}/{kind}/{item_id}    update (send the version you read)
    DELETE /projects/{project_id}/{kind}/{item_id}    delete
"""

from __future__ import annotations

import typing
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, create_model
from sqlalchemy import inspect
from sqlalchemy.orm import Mapped

from opexflow.errors import NotFoundError
from opexflow.web.deps import CurrentUser, SessionDep
from opexflow.workspace import items
from opexflow.workspace.base import Record

router = APIRouter(prefix="/projects/{project_id}", tags=["project records"])

SERVER_SET = {"id", "project_id", "created_at", "updated_at", "version", "decided_by", "decided_at"}
COMPUTED = {"quadrant": (str | None, None), "expected_effect": (str, "")}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    annotation: Any
    required: bool
    default: Any


def field_specs(table: type[Record]) -> list[FieldSpec]:
    """The fields a client may set, in declaration order, with their types."""
    hints = typing.get_type_hints(table)
    specs = []
    for column in inspect(table).columns:
        if column.key in SERVER_SET:
            continue
        hint = hints[column.key]
        annotation = typing.get_args(hint)[0] if typing.get_origin(hint) is Mapped else hint
        default: Any = None
        if column.default is not None:
            arg = getattr(column.default, "arg", None)
            default = (
                ([] if typing.get_origin(annotation) is list else None) if callable(arg) else arg
            )
        required = not column.nullable and column.default is None
        specs.append(FieldSpec(column.key, annotation, required, default))
    return specs


def _schemas(
    kind: str, table: type[Record]
) -> tuple[type[BaseModel], type[BaseModel], type[BaseModel]]:
    title = "".join(part.capitalize() for part in kind.split("_"))
    specs = field_specs(table)
    create_fields: dict[str, Any] = {
        s.name: (
            s.annotation,
            ... if s.required else Field(default_factory=lambda d=s.default: copy(d)),
        )
        for s in specs
    }
    update_fields: dict[str, Any] = {s.name: (s.annotation | None, None) for s in specs}
    update_fields["version"] = (
        int,
        Field(description="The version you read; a stale one gets 409."),
    )
    read_fields: dict[str, Any] = {
        "id": (int, ...),
        "project_id": (int, ...),
        "version": (int, ...),
        "created_at": (datetime, ...),
        "updated_at": (datetime, ...),
        **{s.name: (s.annotation | None, None) for s in specs},
    }
    for extra in ("decided_by", "decided_at"):
        if hasattr(table, extra):
            read_fields[extra] = (Any, None)
    for name, spec in COMPUTED.items():
        if isinstance(getattr(table, name, None), property):
            read_fields[name] = spec
    config = {"extra": "forbid"}
    create = create_model(f"{title}Create", __config__=config, **create_fields)  # type: ignore[call-overload]
    update = create_model(f"{title}Update", __config__=config, **update_fields)  # type: ignore[call-overload]
    read = create_model(f"{title}Read", __config__={"from_attributes": True}, **read_fields)
    return create, update, read


def _register(kind: str, table: type[Record]) -> None:
    create_schema, update_schema, read_schema = SCHEMAS[kind]

    def list_records(project_id: int, session: SessionDep, user: CurrentUser) -> list[Any]:
        return items.list_(session, table, actor=user, project_id=project_id)

    def create_record(project_id: int, body: Any, session: SessionDep, user: CurrentUser) -> Any:
        return items.create(session, table, actor=user, project_id=project_id, **body.model_dump())

    def update_record(
        project_id: int, item_id: int, body: Any, session: SessionDep, user: CurrentUser
    ) -> Any:
        _in_project(session, table, item_id, project_id, user)
        values = body.model_dump(exclude_unset=True)
        version = values.pop("version")
        return items.update(session, table, item_id, actor=user, expected_version=version, **values)

    def delete_record(
        project_id: int, item_id: int, session: SessionDep, user: CurrentUser
    ) -> None:
        _in_project(session, table, item_id, project_id, user)
        items.delete(session, table, item_id, actor=user)

    # The body types exist only at run time (derived from the table); FastAPI
    # reads them from the annotations.
    create_record.__annotations__["body"] = create_schema
    update_record.__annotations__["body"] = update_schema
    label = kind.replace("_", " ")
    path, item = f"/{kind}", f"/{kind}/{{item_id}}"
    router.add_api_route(
        path,
        list_records,
        methods=["GET"],
        response_model=list[read_schema],  # type: ignore[valid-type]
        name=f"list_{kind}",
        summary=f"List {label}",
    )
    router.add_api_route(
        path,
        create_record,
        methods=["POST"],
        response_model=read_schema,
        status_code=201,
        name=f"create_{kind}",
        summary=f"Add to {label}",
    )
    router.add_api_route(
        item,
        update_record,
        methods=["PATCH"],
        response_model=read_schema,
        name=f"update_{kind}",
        summary=f"Change one of {label}",
    )
    router.add_api_route(
        item,
        delete_record,
        methods=["DELETE"],
        status_code=204,
        name=f"delete_{kind}",
        summary=f"Delete one of {label}",
    )


def _in_project(
    session: SessionDep, table: type[Record], item_id: int, project_id: int, user: CurrentUser
) -> None:
    obj = items.get(session, table, item_id, actor=user)
    if obj.project_id != project_id:  # type: ignore[attr-defined]
        raise NotFoundError(f"no {table.__tablename__} record {item_id} in project {project_id}")


#: kind -> (create, update, read) schemas, shared with the UI's forms.
SCHEMAS: dict[str, tuple[type[BaseModel], type[BaseModel], type[BaseModel]]] = {
    kind: _schemas(kind, table) for kind, (table, _action) in items.KINDS.items()
}
for _kind, (_table, _action) in items.KINDS.items():
    _register(_kind, _table)
