"""The metric dictionary (指标口径): one definition per KPI name."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from opexflow.web.deps import CurrentUser, SessionDep
from opexflow.workspace import changes
from opexflow.workspace.access import require_workspace
from opexflow.workspace.metrics import Direction, Metric, list_metrics
from opexflow.workspace.users import Role

router = APIRouter(prefix="/metrics", tags=["metric dictionary"])


class MetricCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120, examples=["激活时长"])
    name_en: str = Field("", max_length=120, examples=["Activation time"])
    definition: str = Field(min_length=1, examples=["从提交资料到激活完成的时长,按案例计"])
    formula: dict[str, Any] | None = Field(
        None, description="Structured KPI formula (docs/pilot.md)."
    )
    unit: str = Field("", max_length=20)
    direction: Direction = Direction.lower_is_better
    source: str = Field("", max_length=200)
    owner: str = Field("", max_length=120)


class MetricUpdate(BaseModel):
    version: int
    name_en: str | None = None
    definition: str | None = None
    formula: dict[str, Any] | None = None
    unit: str | None = None
    direction: Direction | None = None
    source: str | None = None
    owner: str | None = None


class MetricRead(MetricCreate):
    model_config = {"from_attributes": True}

    id: int
    version: int


@router.get("", response_model=list[MetricRead])
def list_all_metrics(session: SessionDep, user: CurrentUser) -> list[Metric]:
    """Every metric definition."""
    del user
    return list_metrics(session)


@router.post("", response_model=MetricRead, status_code=201)
def create_metric(body: MetricCreate, session: SessionDep, user: CurrentUser) -> Metric:
    """Define a metric (leaders and admins); a name already defined is a 409."""
    require_workspace(user, Role.leader)
    return changes.add(session, Metric(**body.model_dump()), actor=user)


@router.patch("/{metric_id}", response_model=MetricRead)
def update_metric(
    metric_id: int, body: MetricUpdate, session: SessionDep, user: CurrentUser
) -> Metric:
    """Change a definition; send the version you read."""
    require_workspace(user, Role.leader)
    from opexflow.errors import NotFoundError

    metric = session.get(Metric, metric_id)
    if metric is None:
        raise NotFoundError(f"no metric with id {metric_id}")
    values = body.model_dump(exclude_unset=True, exclude={"version"})
    return changes.update(session, metric, actor=user, expected_version=body.version, **values)
