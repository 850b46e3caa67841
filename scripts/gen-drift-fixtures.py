#!/usr/bin/env python3
"""Expected drift statistics for src/stats/ (ks, kolmogorov, wasserstein, chi2-contingency,
jensenshannon, psi), from SciPy and Evidently.

Usage: .cache/venv-evidently/bin/python scripts/gen-drift-fixtures.py [OUT_DIR]  (default fixtures/stats)
Create the venv with scripts/evidently-peer.sh. Inputs come from fixed numpy seeds and are stored
next to the expected values (rounded to 3 decimals first, so what the tests read is exactly what
SciPy saw), so the unit tests need no Python.
- ks: scipy.stats.ks_2samp(ref, cur) (method 'auto'); the method SciPy chose is recorded
- wasserstein: scipy.stats.wasserstein_distance, and / max(np.std(ref), 0.001) as Evidently does
- chi2: scipy.stats.chi2_contingency([ref_counts, cur_counts]) (Yates' correction on 2x2)
- jensenshannon / psi: Evidently's own _jensenshannon and _psi (its binning, its empty-bin epsilon)
- kstwo: scipy.stats.kstwo.sf(x, n) over a grid that reaches every branch of its algorithm
"""
import json
import os
import sys

import numpy as np
import pandas as pd
from scipy import stats
from evidently.legacy.core import ColumnType
from evidently.legacy.calculations.stattests.psi import _psi
from evidently.legacy.calculations.stattests.jensenshannon import _jensenshannon

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'stats')
os.makedirs(OUT, exist_ok=True)


def numeric(ref, cur):
    ref = np.round(np.asarray(ref, dtype=float), 3)
    cur = np.round(np.asarray(cur, dtype=float), 3)
    r = stats.ks_2samp(ref, cur)
    n1, n2 = len(ref), len(cur)
    method = 'exact' if max(n1, n2) <= 10000 else 'asymp'
    wd = stats.wasserstein_distance(ref, cur)
    sr, sc = pd.Series(ref), pd.Series(cur)
    return {
        'ref': ref.tolist(), 'cur': cur.tolist(),
        'ks': {'statistic': float(r.statistic), 'p_value': float(r.pvalue), 'method': method},
        'wasserstein': {'distance': float(wd), 'normalized': float(wd / max(float(np.std(ref)), 0.001))},
        'jensenshannon': float(_jensenshannon(sr, sc, ColumnType.Numerical, 0.1)[0]),
        'psi': float(_psi(sr, sc, ColumnType.Numerical, 0.1)[0]),
    }


def categorical(ref, cur):
    sr, sc = pd.Series(ref, dtype=object), pd.Series(cur, dtype=object)
    keys = sorted(set(ref) | set(cur))
    table = np.array([[ref.count(k) for k in keys], [cur.count(k) for k in keys]])
    c = stats.chi2_contingency(table)
    return {
        'ref': list(ref), 'cur': list(cur),
        'chi2': {'statistic': float(c.statistic), 'p_value': float(c.pvalue), 'dof': int(c.dof)},
        'jensenshannon': float(_jensenshannon(sr, sc, ColumnType.Categorical, 0.1)[0]),
        'psi': float(_psi(sr, sc, ColumnType.Categorical, 0.1)[0]),
    }


def cats(rng, n, values, p):
    return [str(v) for v in rng.choice(values, size=n, p=p)]


def write(name, doc):
    with open(os.path.join(OUT, f'drift-{name}.json'), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')


rng = np.random.default_rng(14)
write('small', {
    'about': 'small samples, unequal sizes (exact KS through the inside method), 3 categories',
    'numeric': numeric(rng.normal(0, 1, 40), rng.normal(0.3, 1, 55)),
    'categorical': categorical(cats(rng, 40, ['a', 'b', 'c'], [0.5, 0.3, 0.2]), cats(rng, 55, ['a', 'b', 'c'], [0.3, 0.3, 0.4])),
})
write('equal', {
    'about': 'equal sizes (exact KS through the square formula), 2 categories (Yates correction)',
    'numeric': numeric(rng.normal(0, 1, 60), rng.normal(0.5, 1, 60)),
    'categorical': categorical(cats(rng, 60, ['yes', 'no'], [0.5, 0.5]), cats(rng, 60, ['yes', 'no'], [0.3, 0.7])),
})
write('large', {
    'about': 'current above 10,000 values (asymptotic KS: kstwo with n = round(n1 n2 / (n1 + n2))), reference above 1,000 rows',
    'numeric': numeric(rng.normal(0, 1, 600), rng.normal(0.1, 1.1, 11000)),
    'categorical': categorical(cats(rng, 1500, ['a', 'b', 'c', 'd'], [0.4, 0.3, 0.2, 0.1]), cats(rng, 3000, ['a', 'b', 'c', 'd'], [0.38, 0.3, 0.2, 0.12])),
})
write('mid', {
    'about': 'reference 1,500 and current 4,000 (exact KS on a long lattice), Sturges bins',
    'numeric': numeric(rng.gamma(2.0, 1.0, 1500), rng.gamma(2.2, 1.0, 4000)),
    'categorical': categorical(cats(rng, 1500, ['x', 'y'], [0.6, 0.4]), cats(rng, 4000, ['x', 'y'], [0.58, 0.42])),
})
write('ties', {
    'about': 'integers 0..9 (ties in KS, one PSI bin per value), a rare category',
    'numeric': numeric(rng.integers(0, 10, 300), rng.integers(1, 10, 450)),
    'categorical': categorical(cats(rng, 300, ['a', 'b', 'rare'], [0.7, 0.299, 0.001]), cats(rng, 450, ['a', 'b', 'rare'], [0.6, 0.39, 0.01])),
})
same_num = rng.normal(5, 2, 200)
same_cat = cats(rng, 200, ['a', 'b', 'c', 'd'], [0.25, 0.25, 0.25, 0.25])
write('identical', {
    'about': 'the same data on both sides: no statistic may report drift',
    'numeric': numeric(same_num, same_num.copy()),
    'categorical': categorical(same_cat, list(same_cat)),
})
write('disjoint', {
    'about': 'no overlap at all: numeric ranges apart, categories apart',
    'numeric': numeric(rng.uniform(0, 1, 30), rng.uniform(2, 3, 45)),
    'categorical': categorical(cats(rng, 30, ['a', 'b'], [0.5, 0.5]), cats(rng, 45, ['c', 'd'], [0.5, 0.5])),
})
write('newcat', {
    'about': 'a category seen only in current; a constant reference column',
    'numeric': numeric(np.full(50, 3.0), rng.normal(3, 0.01, 70)),
    'categorical': categorical(cats(rng, 120, ['a', 'b'], [0.5, 0.5]), cats(rng, 150, ['a', 'b', 'new'], [0.45, 0.45, 0.1])),
})

grid = []
for n in [1, 2, 5, 10, 40, 100, 140, 141, 500, 1000, 5000, 100001]:
    for x in [0.001, 0.004, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.8, 0.99]:
        grid.append({'n': n, 'x': x, 'sf': float(stats.kstwo.sf(x, n))})
for n, x in [(10, 0.09), (10, 0.11), (100, 0.06), (100, 0.2), (300, 0.05), (300, 0.09), (999, 0.02), (999, 0.07)]:
    grid.append({'n': n, 'x': x, 'sf': float(stats.kstwo.sf(x, n))})
write('kstwo', {'about': 'scipy.stats.kstwo.sf(x, n)', 'cases': grid})
print(f'wrote drift fixtures to {OUT}')
