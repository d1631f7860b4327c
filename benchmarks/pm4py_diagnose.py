"""What a PM4Py user runs to get what ``opexflow diagnose LOG.csv`` gives, as one process.

``python pm4py_diagnose.py LOG.csv CASE ACTIVITY TIMESTAMP`` reads the CSV with
pandas, formats it for PM4Py, and computes the performance directly-follows
graph, the variants and the case durations. It prints a one-line JSON summary,
so that the harness can check it did the work. PM4Py has no equivalent of the
rest of the diagnosis (findings, Table 1); this is the lower bound of its cost.
"""

from __future__ import annotations

import json
import sys
import warnings


def main(path: str, case: str, activity: str, timestamp: str) -> None:
    warnings.simplefilter("ignore")
    import pandas as pd
    import pm4py

    df = pd.read_csv(path)
    df = pm4py.format_dataframe(df, case_id=case, activity_key=activity, timestamp_key=timestamp)
    dfg, start, end = pm4py.discover_performance_dfg(df)
    variants = pm4py.get_variants(df)
    durations = pm4py.get_all_case_durations(df)
    summary = {
        "events": len(df),
        "edges": len(dfg),
        "start_activities": len(start),
        "end_activities": len(end),
        "variants": len(variants),
        "cases": len(durations),
    }
    sys.stdout.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:5])
