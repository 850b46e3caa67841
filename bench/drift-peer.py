#!/usr/bin/env python3
"""Evidently's DataDriftPreset on two CSV files: the peer of test/unit/drift-evidently.test.ts
and bench/drift.mjs. Run with .cache/venv-evidently/bin/python (scripts/evidently-peer.sh).

Usage: drift-peer.py REF.csv CUR.csv SPEC.json
SPEC: {"numeric": [cols], "categorical": [cols], "tests": {col: ks|wasserstein|chi2|jensenshannon},
       "thresholds": {col: x}, "drift_share": 0.5}
Prints JSON: {"seconds": <read + report>, "read_seconds": ..., "dataset_drift": bool,
              "columns": {col: {"drift": bool, "test": name, "score": x}}}
"""
import json
import sys
import time
import warnings

warnings.filterwarnings('ignore')
t0 = time.perf_counter()
import pandas as pd  # noqa: E402
from evidently.legacy.pipeline.column_mapping import ColumnMapping  # noqa: E402
from evidently.legacy.report import Report  # noqa: E402
from evidently.legacy.metric_preset import DataDriftPreset  # noqa: E402

ref_path, cur_path, spec_path = sys.argv[1:4]
spec = json.load(open(spec_path))
NAMES = {'ks': 'ks', 'wasserstein': 'wasserstein', 'chi2': 'chisquare', 'jensenshannon': 'jensenshannon'}
t1 = time.perf_counter()
dtypes = {c: str for c in spec.get('categorical', [])}
ref = pd.read_csv(ref_path, dtype=dtypes)
cur = pd.read_csv(cur_path, dtype=dtypes)
t2 = time.perf_counter()
mapping = ColumnMapping(numerical_features=spec.get('numeric', []), categorical_features=spec.get('categorical', []), target=None, prediction=None)
preset = DataDriftPreset(
    drift_share=spec.get('drift_share', 0.5),
    per_column_stattest={c: NAMES[t] for c, t in spec.get('tests', {}).items()} or None,
    per_column_stattest_threshold=spec.get('thresholds') or None,
)
report = Report(metrics=[preset])
report.run(reference_data=ref, current_data=cur, column_mapping=mapping)
d = report.as_dict()
t3 = time.perf_counter()
out = {'seconds': t3 - t1, 'read_seconds': t2 - t1, 'columns': {}}
for m in d['metrics']:
    r = m['result']
    if 'drift_by_columns' in r:
        for col, v in r['drift_by_columns'].items():
            out['columns'][col] = {'drift': bool(v['drift_detected']), 'test': v['stattest_name'], 'score': float(v['drift_score'])}
    if 'dataset_drift' in r:
        out['dataset_drift'] = bool(r['dataset_drift'])
print(json.dumps(out))
