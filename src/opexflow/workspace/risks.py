"""The risk register, pre-filled in every project with the seed's five risks (§4)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opexflow.workspace import changes
from opexflow.workspace.base import Record
from opexflow.workspace.users import User


class RiskStatus(enum.StrEnum):
    open = "open"
    mitigating = "mitigating"
    closed = "closed"


class Risk(Record):
    __tablename__ = "risks"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    symptoms: Mapped[str] = mapped_column(Text, default="")
    mitigation: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[RiskStatus] = mapped_column(default=RiskStatus.open)
    review_on: Mapped[date | None]


@dataclass(frozen=True)
class SeedRisk:
    key: str
    title: str
    symptoms: str
    mitigation: str


SEED_RISKS = (
    SeedRisk(
        "leadership_support",
        "高层支持不足,资源投入不到位",
        "跨部门协调困难,技术/人力资源未及时到位,优化进度滞后。",
        "方案设计前明确优化价值(如预计每月节省的人力成本),争取管理层签字确认资源支持;"
        "定期向管理层汇报进度,用数据展示阶段性成果。",
    ),
    SeedRisk(
        "buck_passing",
        "跨部门沟通不畅,责任推诿",
        "方案涉及多部门时,因职责不清导致执行拖延。",
        "在RACI矩阵中为每个步骤明确唯一的批准人(A)和至少一名负责人(R),避免“都管=都不管”;"
        "设立跨部门周例会同步进度、解决问题,必要时由组长协调冲突。",
    ),
    SeedRisk(
        "frontline_resistance",
        "一线员工抵触变革,执行不到位",
        "员工习惯旧流程,对新流程学习意愿低,出现“形式化执行”。",
        "试点期邀请一线员工参与方案设计,增强归属感;培训结合实际案例,强调新流程减轻工作负担;"
        "设置“流程优化之星”激励,表彰积极执行的员工。",
    ),
    SeedRisk(
        "rigidity",
        "标准化与灵活性失衡",
        "流程过于僵化,无法适配特殊业务场景(如大客户紧急需求)。",
        "在流程文档中明确特殊场景处理机制(如金额≥10万元的紧急订单可跳过常规审批,由运营负责人直接审批,"
        "24小时内补录流程);定期收集特殊场景案例,迭代优化流程。",
    ),
    SeedRisk(
        "data_quality",
        "数据收集困难,效果评估失真",
        "关键指标数据缺失或统计口径不一致,无法准确判断优化效果。",
        "提前与IT团队确认数据来源和采集方式;建立指标口径字典,每个指标只有一个定义;"
        "用事件日志的数据质量报告发现缺失与异常。",
    ),
)


def seed_risks(session: Session, *, project_id: int, actor: User | None) -> list[Risk]:
    """Add the seed's five risks to a new project."""
    return [
        changes.add(
            session,
            Risk(
                project_id=project_id,
                key=r.key,
                title=r.title,
                symptoms=r.symptoms,
                mitigation=r.mitigation,
            ),
            actor=actor,
        )
        for r in SEED_RISKS
    ]


def risks_of(session: Session, project_id: int) -> list[Risk]:
    return list(
        session.scalars(select(Risk).where(Risk.project_id == project_id).order_by(Risk.id))
    )
