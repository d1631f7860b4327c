"""Which source column plays which canonical role.

Names are matched after normalisation (lower case; spaces, ``_``, ``-`` and
``.`` removed). Each role has tiers: the XES standard keys first, then the canonical
name itself, then common English and Chinese names. The best tier that matches wins; two columns in the
same best tier are ambiguous and the error lists the columns found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from opexflow.errors import ColumnMappingError, Location
from opexflow.logs.schema import (
    ACTIVITY,
    CASE_ID,
    DEPARTMENT,
    REQUIRED_ROLES,
    RESOURCE,
    ROLES,
    START_TIMESTAMP,
    TIMESTAMP,
)

_TIERS: dict[str, tuple[tuple[str, ...], ...]] = {
    CASE_ID: (
        ("case:concept:name",),
        ("caseid",),
        (
            "case",
            "casekey",
            "casenumber",
            "traceid",
            "processinstance",
            "instanceid",
            "ticketid",
            "orderid",
            "案例编号",
            "案例id",
            "案例号",
            "案例",
            "工单号",
            "工单编号",
            "工单id",
            "订单号",
            "订单编号",
            "订单id",
            "单号",
            "流程实例",
            "流程编号",
            "申请编号",
        ),
    ),
    ACTIVITY: (
        ("concept:name",),
        ("activity",),
        (
            "activityname",
            "event",
            "eventname",
            "task",
            "taskname",
            "step",
            "活动",
            "活动名称",
            "环节",
            "环节名称",
            "步骤",
            "步骤名称",
            "节点",
            "节点名称",
            "操作",
            "事件",
        ),
    ),
    TIMESTAMP: (
        ("time:timestamp",),
        ("timestamp",),
        (
            "completetimestamp",
            "completetime",
            "completiontime",
            "endtime",
            "endtimestamp",
            "end",
            "eventtime",
            "datetime",
            "time",
            "date",
            "完成时间",
            "结束时间",
            "时间",
            "时间戳",
            "发生时间",
            "操作时间",
            "处理时间",
            "日期时间",
        ),
    ),
    START_TIMESTAMP: (
        (),
        ("start_timestamp", "starttimestamp"),
        ("starttime", "start", "startdate", "开始时间", "开始日期", "起始时间"),
    ),
    RESOURCE: (
        ("org:resource",),
        ("resource",),
        (
            "user",
            "username",
            "employee",
            "performer",
            "agent",
            "处理人",
            "操作人",
            "执行人",
            "经办人",
            "操作员",
            "员工",
            "负责人",
        ),
    ),
    DEPARTMENT: (
        (),
        ("department", "dept"),
        # Not "team": a team (A组) is a group inside a department, what pilots compare.
        ("org:group", "group", "部门", "所属部门", "处理部门", "责任部门"),
    ),
}

_CLI_OPTION = {
    CASE_ID: "--case",
    ACTIVITY: "--activity",
    TIMESTAMP: "--timestamp",
    START_TIMESTAMP: "--start",
    RESOURCE: "--resource",
    DEPARTMENT: "--department",
}


def normalize(name: str) -> str:
    """Lower-case a column name and drop separators, keeping ``:`` (XES keys)."""
    return re.sub(r"[\s_\-.]+", "", name.strip().lower())


def _tier_sets() -> dict[str, list[set[str]]]:
    return {
        role: [{normalize(n) for n in tier} for tier in tiers] for role, tiers in _TIERS.items()
    }


_NORMALIZED_TIERS = _tier_sets()


def guess_mapping(
    columns: Sequence[str],
    overrides: Mapping[str, str | None] | None = None,
    *,
    file: str | None = None,
) -> dict[str, str]:
    """Map canonical roles to source columns.

    Args:
        columns: the source's column names.
        overrides: role -> column given by the user; they win over guesses.
        file: the source file, for messages.

    Returns:
        role -> source column for every role found (the required ones always).

    Raises:
        ColumnMappingError: a required role has no column, a guess is ambiguous,
            or an override names a column that does not exist.

    Example:
        >>> guess_mapping(["工单号", "环节", "完成时间", "处理人"])
        {'case_id': '工单号', 'activity': '环节', 'timestamp': '完成时间', 'resource': '处理人'}
    """
    given: dict[str, str] = {k: v for k, v in (overrides or {}).items() if v}
    found = ", ".join(repr(c) for c in columns)
    mapping: dict[str, str] = {}
    for role, column in given.items():
        if role not in ROLES:
            raise ColumnMappingError(f"unknown column role {role!r}; roles are {', '.join(ROLES)}")
        if column not in columns:
            raise ColumnMappingError(
                f"{_CLI_OPTION[role]} names column {column!r}, which is not in the file; "
                f"columns found: {found}",
                location=Location(file=file),
            )
        mapping[role] = column
    taken = set(mapping.values())
    for role in ROLES:
        if role in mapping:
            continue
        choice = _guess_role(role, [c for c in columns if c not in taken], found, file)
        if choice is not None:
            mapping[role] = choice
            taken.add(choice)
    missing = [r for r in REQUIRED_ROLES if r not in mapping]
    if missing:
        options = " ".join(f"{_CLI_OPTION[r]} COLUMN" for r in missing)
        raise ColumnMappingError(
            f"cannot tell which column holds the {', '.join(missing)}; columns found: {found}. "
            f"Name it with {options}",
            location=Location(file=file),
        )
    return {r: mapping[r] for r in ROLES if r in mapping}


def _guess_role(role: str, columns: Sequence[str], found: str, file: str | None) -> str | None:
    for tier in _NORMALIZED_TIERS[role]:
        hits = [c for c in columns if normalize(c) in tier]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1 and role in REQUIRED_ROLES:
            names = " and ".join(repr(h) for h in hits)
            raise ColumnMappingError(
                f"the {role} column is ambiguous: {names} both fit; columns found: {found}. "
                f"Choose one with {_CLI_OPTION[role]} COLUMN",
                location=Location(file=file),
            )
        if len(hits) > 1:
            return None
    return None
