"""Realistic report data for the report tests, built the way the diagnosis would.

Two processes from the seed: 用户注册激活流程 (9 activities, with a
补充资料 rework loop and SMS re-sends) and 订单履约流程 (25 activities, with
finance approval for orders of 10,000 and more and an emergency bypass).
Edges, nodes, start/end counts and variants are aggregated from the same
hand-written variants, so the numbers agree with each other.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

MIN = 60.0
HOUR = 3600.0
DAY = 86400.0

# activity -> (department, role, service seconds, waiting seconds before it)
REGISTRATION: dict[str, tuple[str, str, float, float]] = {
    "提交注册申请": ("用户", "注册用户", 6 * MIN, 0.0),
    "系统自动校验": ("技术部", "系统", 0.5 * MIN, 2 * MIN),
    "人工审核": ("运营部", "审核专员", 30 * MIN, 5.5 * HOUR),
    "补充资料": ("用户", "注册用户", 20 * MIN, 26 * HOUR),
    "审核驳回": ("运营部", "审核专员", 5 * MIN, 40 * MIN),
    "账户激活": ("技术部", "系统", 1 * MIN, 2.2 * HOUR),
    "发送激活短信": ("技术部", "短信平台", 0.2 * MIN, 3 * MIN),
    "重发激活短信": ("客服部", "客服专员", 4 * MIN, 9 * HOUR),
    "用户首次登录": ("用户", "注册用户", 2 * MIN, 18 * HOUR),
}

# Each variant: its activities separated by spaces, and its number of cases.
REGISTRATION_VARIANTS: list[tuple[list[str], int]] = [
    (trace.split(), cases)
    for trace, cases in (
        ("提交注册申请 系统自动校验 人工审核 账户激活 发送激活短信 用户首次登录", 612),
        (
            "提交注册申请 系统自动校验 人工审核 补充资料 人工审核 账户激活 发送激活短信 用户首次登录",
            188,
        ),
        ("提交注册申请 系统自动校验 人工审核 账户激活 发送激活短信 重发激活短信 用户首次登录", 97),
        ("提交注册申请 系统自动校验 人工审核 审核驳回", 64),
        (
            "提交注册申请 系统自动校验 人工审核 补充资料 人工审核 补充资料 人工审核 账户激活 "
            "发送激活短信 用户首次登录",
            41,
        ),
        ("提交注册申请 系统自动校验 人工审核 账户激活 发送激活短信", 38),
        ("提交注册申请 系统自动校验 审核驳回", 22),
    )
]

ORDER_STEPS = [
    ("创建订单", "销售部", "销售专员"),
    ("订单校验", "销售部", "销售助理"),
    ("库存检查", "仓储部", "库存管理员"),
    ("信用审核", "风控部", "信用分析师"),
    ("财务审批（金额≥1万）", "财务部", "财务主管"),
    ("紧急通道审批（≥10万）", "运营部", "运营负责人"),
    ("价格复核", "财务部", "成本会计"),
    ("客户确认", "销售部", "客户经理"),
    ("生成发货单", "仓储部", "仓储文员"),
    ("仓库拣货", "仓储部", "拣货员"),
    ("质量检验", "质量部", "质检员"),
    ("包装", "仓储部", "包装员"),
    ("出库复核", "仓储部", "仓储主管"),
    ("物流揽收", "物流部", "物流专员"),
    ("干线运输", "物流部", "承运商"),
    ("区域中转", "物流部", "中转站"),
    ("末端派送", "物流部", "配送员"),
    ("客户签收", "客户", "收货人"),
    ("配送异常处理", "客服部", "客服专员"),
    ("退货申请", "客服部", "客服专员"),
    ("退货入库", "仓储部", "库存管理员"),
    ("退款审核", "财务部", "财务专员"),
    ("开具发票", "财务部", "开票员"),
    ("回款确认", "财务部", "应收会计"),
    ("订单关闭", "销售部", "销售助理"),
]


def _order_variants() -> list[tuple[list[str], int]]:
    names = [s[0] for s in ORDER_STEPS]
    core = [names[i] for i in (0, 1, 2, 3)]
    ship = [names[i] for i in (8, 9, 10, 11, 12, 13, 14, 15, 16, 17)]
    close = [names[i] for i in (22, 23, 24)]
    finance = names[4]
    bypass = names[5]
    return [
        ([*core, names[7], *ship, *close], 1460),
        ([*core, finance, names[7], *ship, *close], 820),
        ([*core, finance, names[6], finance, names[7], *ship, *close], 210),
        ([*core, bypass, names[7], *ship, *close], 45),
        ([*core, names[7], *ship[:-2], names[18], *ship[-2:], *close], 160),
        ([*core, names[7], *ship, names[19], names[20], names[21], names[24]], 130),
        ([*core[:2], names[2], names[1], names[3], names[7], *ship, *close], 95),
        ([*core, finance, names[7], *ship[:3], names[10], *ship[3:], *close], 70),
        ([*core[:3], names[24]], 55),
        ([*core, names[7], *ship[:-1], names[18], ship[-1], names[22], names[24]], 38),
    ]


def _order_params() -> dict[str, tuple[str, str, float, float]]:
    rng = random.Random(7)
    params = {}
    for i, (name, dept, role) in enumerate(ORDER_STEPS):
        service = rng.choice([3, 5, 10, 15, 30, 45]) * MIN
        wait = rng.choice([10 * MIN, 45 * MIN, 2 * HOUR, 6 * HOUR, 20 * HOUR])
        if i in (4, 16, 21):  # finance approval, last-mile delivery and refunds wait longest
            wait = (2.5 * DAY, 1.5 * DAY, 4 * DAY)[(4, 16, 21).index(i)]
        params[name] = (dept, role, service, wait)
    return params


def _aggregate(
    variants: Sequence[tuple[list[str], int]], params: dict[str, tuple[str, str, float, float]]
) -> dict[str, Any]:
    """Nodes, edges, start/end and variant rows from variants with case counts."""
    node_events: Counter[str] = Counter()
    node_cases: Counter[str] = Counter()
    rework: Counter[str] = Counter()
    edge_events: Counter[tuple[str, str]] = Counter()
    edge_cases: Counter[tuple[str, str]] = Counter()
    starts: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    for trace, cases in variants:
        counts = Counter(trace)
        for activity, n in counts.items():
            node_events[activity] += n * cases
            node_cases[activity] += cases
            if n > 1:
                rework[activity] += cases
        pairs = list(itertools.pairwise(trace))
        for pair, n in Counter(pairs).items():
            edge_events[pair] += n * cases
            edge_cases[pair] += cases
        starts[trace[0]] += cases
        ends[trace[-1]] += cases
    nodes = [
        {
            "activity": a,
            "events": node_events[a],
            "cases": node_cases[a],
            "service_median_s": params[a][2],
            "waiting_median_s": params[a][3] or None,
            "rework_cases": rework[a],
        }
        for a in params
        if a in node_events
    ]
    edges = [
        {
            "from": a,
            "to": b,
            "events": edge_events[(a, b)],
            "cases": edge_cases[(a, b)],
            "mean_s": params[b][3] * 1.4 + params[a][2],
            "median_s": params[b][3] + params[a][2],
            "p90_s": params[b][3] * 3.1 + params[a][2],
        }
        for (a, b) in edge_events
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "start": [{"activity": a, "cases": c} for a, c in starts.most_common()],
        "end": [{"activity": a, "cases": c} for a, c in ends.most_common()],
    }


def _variant_rows(
    variants: Sequence[tuple[list[str], int]], params: dict[str, tuple[str, str, float, float]]
) -> list[dict[str, Any]]:
    total = sum(c for _, c in variants)
    ranked = sorted(variants, key=lambda v: -v[1])
    rows = []
    for rank, (trace, cases) in enumerate(ranked[:20], start=1):
        median = sum(params[a][2] + params[a][3] for a in trace)
        rows.append(
            {
                "rank": rank,
                "activities": list(trace),
                "cases": cases,
                "share": cases / total,
                "mean_s": median * 1.25,
                "median_s": median,
            }
        )
    return rows


def _throughput(variant_rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    rng = random.Random(11)
    sample = sorted(
        row["median_s"] * rng.lognormvariate(0, 0.45)
        for row in variant_rows
        for _ in range(row["cases"])
    )
    n = len(sample)
    top = sample[-1]
    width = top / 16
    histogram = [
        {
            "lo_s": i * width,
            "hi_s": (i + 1) * width,
            "cases": sum(
                1 for s in sample if i * width <= s < (i + 1) * width or (i == 15 and s == top)
            ),
        }
        for i in range(16)
    ]
    return {
        "mean_s": sum(sample) / n,
        "median_s": sample[n // 2],
        "p90_s": sample[int(n * 0.9)],
        "min_s": sample[0],
        "max_s": top,
        "histogram": histogram,
    }


def _finding(kind: str, severity: float, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": kind,
        "activity": None,
        "from": None,
        "to": None,
        "severity": severity,
        "metric": "waiting_median_s",
        "value": 0.0,
        "share_of_cases": 0.0,
        "message_zh": zh,
        "message_en": en,
    }
    return base | extra


REGISTRATION_FINDINGS = [
    _finding(
        "bottleneck",
        0.92,
        "人工审核前平均等待 5.5 小时，需人工核对 3 个系统，是整个流程的最大瓶颈。",
        "Cases wait 5.5 h before manual review, which checks 3 systems by hand: "
        "the largest bottleneck of the process.",
        activity="人工审核",
        value=5.5 * HOUR,
        share_of_cases=0.94,
    ),
    _finding(
        "rework",
        0.71,
        "21.6% 的案例在人工审核后被要求补充资料，最多往返 3 次。",
        "21.6% of cases are sent back for more documents after manual review, up to 3 times.",
        activity="补充资料",
        metric="rework_share",
        value=0.216,
        share_of_cases=0.216,
    ),
    _finding(
        "long_wait",
        0.55,
        "审核通过到账户激活平均等待 2.2 小时，激活为批量任务，每 4 小时执行一次。",
        "Activation waits 2.2 h after approval because it runs as a batch every 4 hours.",
        **{"from": "人工审核", "to": "账户激活"},
        value=2.2 * HOUR,
        share_of_cases=0.91,
    ),
    _finding(
        "sla_breach",
        0.43,
        "9.1% 的用户未收到激活短信，需客服人工重发，超出 24 小时激活时限。",
        "9.1% of users did not receive the activation SMS and needed a manual re-send, "
        "breaching the 24 h activation SLA.",
        activity="重发激活短信",
        metric="breach_rate",
        value=0.091,
        share_of_cases=0.091,
    ),
    _finding(
        "handover",
        0.31,
        "运营部与用户之间来回交接 2 次以上的案例占 3.9%。",
        "3.9% of cases are handed back and forth between operations and the user twice or more.",
        **{"from": "补充资料", "to": "人工审核"},
        metric="handovers",
        value=2.4,
        share_of_cases=0.039,
    ),
    _finding(
        "data_quality",
        0.12,
        "17 条事件缺少时间戳，已从分析中排除。",
        "17 events lack a timestamp and were left out of the analysis.",
        metric="events",
        value=17,
        share_of_cases=0.012,
    ),
]

ORDER_FINDINGS = [
    _finding(
        "bottleneck",
        0.88,
        "财务审批（金额≥1万）前平均等待 2.5 天，占订单周期的 38%。",
        "Finance approval (≥ 10,000) waits 2.5 days on average, 38% of the order cycle.",
        activity="财务审批（金额≥1万）",
        value=2.5 * DAY,
        share_of_cases=0.35,
    ),
    _finding(
        "control_violation",
        0.8,
        "12 张金额≥10,000 的订单未经财务审批即进入客户确认。",
        "12 orders of 10,000 or more reached customer confirmation without finance approval.",
        activity="客户确认",
        metric="cases",
        value=12,
        share_of_cases=0.004,
    ),
    _finding(
        "variant_sprawl",
        0.35,
        "前 10 个变体只覆盖 87% 的订单，执行方式不统一。",
        "The top 10 variants cover only 87% of orders: the process is run in many ways.",
        metric="top10_share",
        value=0.87,
        share_of_cases=0.13,
    ),
]


def _table1(
    params: dict[str, tuple[str, str, float, float]], problems: dict[str, Any]
) -> list[Any]:
    return [
        {
            "step": i,
            "activity": activity,
            "department": dept,
            "role": role,
            "minutes_per_step": round(service / MIN, 1),
            "problem_types": problems.get(activity, ([], ""))[0],
            "description_zh": problems.get(activity, ([], ""))[1],
        }
        for i, (activity, (dept, role, service, _wait)) in enumerate(params.items(), start=1)
    ]


REGISTRATION_PROBLEMS = {
    "人工审核": (
        ["efficiency", "quality"],
        "需人工登录 3 个系统核对身份信息，单笔约 30 分钟，错误率 5%。",
    ),
    "补充资料": (["collaboration"], "驳回原因描述不清，用户多次补充仍不合格。"),
    "重发激活短信": (["quality", "risk"], "短信通道偶发失败，用户收不到验证码，需客服人工重发。"),
}

QUALITY = {
    "checks": [
        {
            "check": "missing_timestamp",
            "count": 17,
            "examples": [
                {"row": 1042, "column": "timestamp", "value": "", "case_id": "REG-20240311-0087"},
                {
                    "row": 2210,
                    "column": "timestamp",
                    "value": "N/A",
                    "case_id": "REG-20240402-0415",
                },
            ],
            "message_zh": "17 条事件缺少时间戳，已排除。",
            "message_en": "17 events lack a timestamp and were excluded.",
        },
        {
            "check": "duplicate_events",
            "count": 5,
            "examples": [
                {"row": 88, "column": None, "value": None, "case_id": "REG-20240105-0031"}
            ],
            "message_zh": "5 条完全重复的事件，已去重。",
            "message_en": "5 exact duplicate events were removed.",
        },
        {
            "check": "future_timestamps",
            "count": 0,
            "examples": [],
            "message_zh": "没有晚于导出时间的事件。",
            "message_en": "No event is later than the export time.",
        },
    ]
}


def make_report_data(process: str = "registration") -> dict[str, Any]:
    """Report data for ``registration`` (9 activities) or ``order`` (25 activities)."""
    if process == "order":
        params = _order_params()
        variants = _order_variants()
        title, findings, problems = "订单履约流程", ORDER_FINDINGS, {}
    else:
        params, variants = REGISTRATION, REGISTRATION_VARIANTS
        title, findings, problems = "用户注册激活流程", REGISTRATION_FINDINGS, REGISTRATION_PROBLEMS
    process_map = _aggregate(variants, params)
    variant_rows = _variant_rows(variants, params)
    cases = sum(c for _, c in variants)
    return {
        "title": title,
        "generated_at": "2024-05-06T09:30:00+08:00",
        "log": {
            "name": f"{title}事件日志",
            "source": "registration_events_2024Q1.csv" if process != "order" else "orders.xlsx",
            "cases": cases,
            "events": sum(n["events"] for n in process_map["nodes"]),
            "activities": len(process_map["nodes"]),
            "variants": len(variants),
            "start": "2024-01-01T08:02:11+08:00",
            "end": "2024-03-31T22:47:50+08:00",
            "tz": "Asia/Shanghai",
        },
        "throughput": _throughput(variant_rows),
        "process_map": process_map,
        "variants": variant_rows,
        "findings": sorted(findings, key=lambda f: -f["severity"]),
        "table1": _table1(params, problems),
        "quality": QUALITY,
    }


@pytest.fixture
def registration() -> dict[str, Any]:
    """The 9-activity user registration and activation process."""
    return make_report_data("registration")


@pytest.fixture
def order() -> dict[str, Any]:
    """The 25-activity order fulfilment process."""
    return make_report_data("order")
