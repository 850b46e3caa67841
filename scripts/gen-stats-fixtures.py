#!/usr/bin/env python3
"""Expected values for src/stats/ and the gate's metrics, from SciPy / statsmodels / sklearn.

Usage: .cache/venv-scipy/bin/python scripts/gen-stats-fixtures.py [OUT_DIR]   (default fixtures/stats)
Create the venv with scripts/scipy-peer.sh. The inputs are generated here from fixed numpy
seeds and stored next to the expected values, so the unit tests need no Python; a test
reruns this script into a temp dir when the venv is present and compares the output.
NaN is written as null. Cases cover small, large, ties, perfect separation and all-equal input.
"""
import json
import math
import os
import sys

import numpy as np
import scipy
import scipy.special
import sklearn
import statsmodels
from scipy import stats
from sklearn import metrics as skm
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'stats')
os.makedirs(OUT, exist_ok=True)
VERSIONS = {'scipy': scipy.__version__, 'statsmodels': statsmodels.__version__, 'numpy': np.__version__, 'sklearn': sklearn.__version__}


def clean(x):
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (np.floating, float)):
        x = float(x)
        return None if math.isnan(x) else (x if math.isfinite(x) else ('inf' if x > 0 else '-inf'))
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def write(name, cases):
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(clean({'generator': 'scripts/gen-stats-fixtures.py', 'versions': VERSIONS, 'cases': cases}), f, indent=1, sort_keys=True)
        f.write('\n')


def r6(a):
    # inputs are stored rounded so that JSON round-trips them exactly as the values tested
    return [float(v) for v in np.round(np.asarray(a, dtype=float), 6)]


# ---- McNemar (statsmodels) ----
mc = []
for b, c in [(0, 0), (3, 9), (5, 5), (12, 12), (0, 24), (13, 12), (0, 30), (120, 80), (1000, 900), (40, 41), (7, 0)]:
    table = [[50, b], [c, 50]]
    for exact in (True, False):
        if not exact and b + c == 0:
            continue
        r = mcnemar(table, exact=exact, correction=True)
        mc.append({'b': b, 'c': c, 'exact': exact, 'statistic': r.statistic, 'p': r.pvalue})
write('mcnemar', mc)


# ---- DeLong: a direct implementation of DeLong et al. (1988) structural components ----
def psi(x, y):
    return 1.0 if x > y else (0.5 if x == y else 0.0)


def delong_reference(y, a, b):
    """O(m n): V10_i = mean_j psi(X_i, Y_j), V01_j = mean_i psi(X_i, Y_j), per score."""
    y = np.asarray(y, bool)
    out = []
    for s in (np.asarray(a, float), np.asarray(b, float)):
        X, Y = s[y], s[~y]
        P = (X[:, None] > Y[None, :]).astype(float) + 0.5 * (X[:, None] == Y[None, :])
        out.append((P.mean(), P.mean(axis=1), P.mean(axis=0)))
    m, n = int(y.sum()), int((~y).sum())
    (A1, V10a, V01a), (A2, V10b, V01b) = out
    S10 = np.cov(np.vstack([V10a, V10b]), ddof=1) if m > 1 else np.zeros((2, 2))
    S01 = np.cov(np.vstack([V01a, V01b]), ddof=1) if n > 1 else np.zeros((2, 2))
    var = (S10[0, 0] + S10[1, 1] - 2 * S10[0, 1]) / m + (S01[0, 0] + S01[1, 1] - 2 * S01[0, 1]) / n
    var = max(var, 0.0)
    d = A1 - A2
    if var > 0:
        z = d / math.sqrt(var)
        p = 2 * stats.norm.sf(abs(z))
    else:
        p = 1.0 if d == 0 else 0.0
    return A1, A2, var, p


rng = np.random.default_rng(12)
dl = []


def delong_case(name, y, a, b):
    y = [bool(v) for v in y]
    a, b = r6(a), r6(b)
    A1, A2, var, p = delong_reference(y, a, b)
    dl.append({'name': name, 'positive': y, 'a': a, 'b': b, 'auc': [A1, A2], 'variance': var, 'p': p,
               'sklearn_auc': [skm.roc_auc_score(y, a), skm.roc_auc_score(y, b)]})


for name, n in [('small', 24), ('large', 1500)]:
    y = rng.random(n) < 0.4
    a = y * 1.0 + rng.normal(0, 0.9, n)
    b = y * 0.7 + rng.normal(0, 0.9, n) + 0.3 * a
    delong_case(name, y, a, b)
y = rng.random(300) < 0.5
delong_case('ties', y, np.round(y * 0.3 + rng.random(300), 1), np.round(y * 0.2 + rng.random(300), 1))
y = rng.random(60) < 0.5
delong_case('perfect-vs-noisy', y, y * 1.0 + rng.random(60) * 0.5, y * 0.5 + rng.random(60))
delong_case('both-perfect', y, y * 1.0 + rng.random(60) * 0.5, y * 2.0 + rng.random(60) * 0.5)
delong_case('all-equal-baseline', y, y * 0.5 + rng.random(60), np.full(60, 0.5))
write('delong', dl)


# ---- paired t and Wilcoxon (scipy) ----
rng = np.random.default_rng(7)
pt, wx = [], []


def paired_case(name, x, y):
    x, y = r6(x), r6(y)
    d = list(np.asarray(x) - np.asarray(y))
    t = stats.ttest_rel(x, y)
    pt.append({'name': name, 'x': x, 'y': y, 'statistic': t.statistic, 'p': t.pvalue, 'df': len(x) - 1})
    w = stats.wilcoxon(x, y)
    wx.append({'name': name, 'x': x, 'y': y, 'statistic': w.statistic, 'p': w.pvalue})


paired_case('small-exact', rng.normal(1, 1, 20), rng.normal(0.6, 1, 20))
paired_case('exact-50', rng.normal(1, 1, 50), rng.normal(0.8, 1, 50))
paired_case('large', rng.normal(1, 1, 600), rng.normal(0.9, 1, 600))
paired_case('ties-permutation', np.round(rng.normal(1, 1, 11)), np.round(rng.normal(0.5, 1, 11)))
paired_case('ties-asymptotic', np.round(rng.normal(1, 1, 30)), np.round(rng.normal(0.5, 1, 30)))
paired_case('ties-and-zeros-large', np.round(rng.normal(1, 1, 200)), np.round(rng.normal(0.8, 1, 200)))
paired_case('one-sided-small', rng.random(8) + 1, rng.random(8))
x = rng.normal(0, 1, 40)
paired_case('all-equal', x, x)
write('paired-t', pt)
write('wilcoxon', wx)


# ---- Holm and Benjamini-Hochberg (statsmodels) ----
rng = np.random.default_rng(3)
mt = []
for name, p in [('few', [0.01, 0.04, 0.03]), ('ties', [0.02, 0.02, 0.5, 0.001, 0.02]), ('one', [0.2]), ('big-p', [0.9, 0.8, 0.95, 0.7]),
                ('random', list(np.round(rng.random(12) ** 3, 6)))]:
    mt.append({'name': name, 'p': p, 'holm': multipletests(p, method='holm')[1], 'bh': multipletests(p, method='fdr_bh')[1]})
write('multiple', mt)


# ---- distributions (scipy) ----
dist = {
    'normal_cdf': [[x, stats.norm.cdf(x)] for x in [-8.0, -3.0, -1.959964, -0.5, 0.0, 0.3, 1.0, 2.5, 6.0]],
    'normal_quantile': [[p, stats.norm.ppf(p)] for p in [1e-10, 0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999]],
    't_cdf': [[x, df, stats.t.cdf(x, df)] for x, df in [(-3.0, 2), (-1.0, 5), (0.0, 10), (2.1, 19), (4.0, 100), (-12.0, 30)]],
    't_quantile': [[p, df, stats.t.ppf(p, df)] for p, df in [(0.975, 1), (0.975, 9), (0.995, 29), (0.025, 200), (0.6, 3)]],
    'binomial_cdf': [[k, n, stats.binom.cdf(k, n, 0.5)] for k, n in [(0, 5), (3, 12), (12, 24), (5, 30), (100, 1000)]],
    'chi2_sf': [[x, df, stats.chi2.sf(x, df)] for x, df in [(0.5, 1), (3.84, 1), (10.0, 1), (60.0, 1), (5.0, 3), (20.0, 7)]],
    # cairn's own special functions (src/stats/special.ts): far tails down to ~1e-300, large df
    'tails_normal_cdf': [[x, stats.norm.cdf(x)] for x in [-37.5, -35.0, -30.0, -20.0, -12.0, -1e-3, 1e-5, 9.0]],
    'tails_normal_quantile': [[p, stats.norm.ppf(p)] for p in [1e-300, 1e-200, 1e-50, 1e-20, 1e-5, 0.02, 0.0243, 0.4999, 0.5, 1 - 1e-12]],
    't_cdf_wide': [[x, df, stats.t.cdf(x, df)] for x, df in [(-1e10, 1), (-1e50, 3), (-40.0, 10), (-200.0, 50), (-1e-3, 3), (3.0, 0.5), (-2.0, 2.5),
                                                           (-10.0, 1000), (-5.0, 1e6), (1.96, 1e6), (-30.0, 1e5), (0.1, 1e5), (-8.0, 1e4)]],
    't_cdf_huge_df': [[x, df, stats.t.cdf(x, df)] for x, df in [(-3.0, 1e7), (-10.0, 1e7), (-3.0, 1e8), (-6.0, 1e8), (-0.5, 1e8)]],
    't_quantile_wide': [[p, df, stats.t.ppf(p, df)] for p, df in [(1e-300, 1), (1e-100, 30), (1e-20, 3), (1e-8, 1.5), (0.975, 2), (1e-12, 2), (0.3, 0.7),
                                                                (0.999, 4), (0.5001, 7), (0.975, 1e6), (1e-10, 1e6), (1e-200, 12)]],
    'binomial_cdf_wide': [[k, n, p, stats.binom.cdf(k, n, p)] for k, n, p in [(0, 1000, 0.5), (10, 1000, 0.5), (450, 1000, 0.5), (550, 1000, 0.5), (3, 100, 0.01),
                                                                             (30000, 100000, 0.3), (499000, 1000000, 0.5), (2, 24, 0.5), (0, 1, 0.5), (7, 40, 0.9)]],
    'chi2_sf_wide': [[x, df, stats.chi2.sf(x, df)] for x, df in [(1380.0, 1), (1e-10, 1), (1e-3, 4), (1.1e5, 1e5), (0.9e5, 1e5), (2000.0, 100), (30.0, 30),
                                                               (700.0, 2), (1e-5, 0.5), (1300.0, 3)]],
    'gammaln': [[z, scipy.special.gammaln(z)] for z in [1e-8, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 7.5, 9.99, 10.0, 10.01, 25.0, 170.5, 1e4, 1e7, 1e15]],
    'gammainc': [[a, x, scipy.special.gammainc(a, x), scipy.special.gammaincc(a, x)] for a, x in [(0.5, 1e-10), (0.5, 0.1), (1.0, 1.0), (2.5, 3.0), (10.0, 5.0), (10.0, 30.0),
                                                                                             (100.0, 100.0), (1e5, 1e5 + 300), (1e5, 1e5 - 300), (3.0, 1e-5), (50.0, 1000.0), (0.1, 20.0)]],
}
write('distributions', [dist])


# ---- the gate's metrics (sklearn) on per-example predictions ----
rng = np.random.default_rng(5)
mets = []


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def clf_case(name, labels, y, logits):
    P = np.round(softmax(logits), 6)
    P = P / P.sum(axis=1, keepdims=True)
    P = np.round(P, 6)
    pred = np.asarray(labels)[P.argmax(axis=1)]
    yl = list(np.asarray(labels)[y])
    case = {'name': name, 'task': 'classification', 'classes': labels, 'label': yl, 'prediction': list(pred),
            'proba': [[float(v) for v in row] for row in P]}
    e = {
        'accuracy': skm.accuracy_score(yl, pred),
        'balanced_accuracy': skm.balanced_accuracy_score(yl, pred),
        'macro_precision': skm.precision_score(yl, pred, average='macro', zero_division=0),
        'macro_recall': skm.recall_score(yl, pred, average='macro', zero_division=0),
        'macro_f1': skm.f1_score(yl, pred, average='macro', zero_division=0),
        'micro_f1': skm.f1_score(yl, pred, average='micro', zero_division=0),
        'micro_precision': skm.precision_score(yl, pred, average='micro', zero_division=0),
        'micro_recall': skm.recall_score(yl, pred, average='micro', zero_division=0),
    }
    for k, lab in enumerate(labels):
        e[f'f1_{lab}'] = skm.f1_score(yl, pred, labels=[lab], average='macro', zero_division=0)
        e[f'precision_{lab}'] = skm.precision_score(yl, pred, labels=[lab], average='macro', zero_division=0)
        e[f'recall_{lab}'] = skm.recall_score(yl, pred, labels=[lab], average='macro', zero_division=0)
    # log loss with probabilities clipped to [1e-15, 1 - 1e-15] (cairn's rule; sklearn >= 1.5 no longer clips)
    Pc = np.clip(P, 1e-15, 1 - 1e-15)
    e['log_loss'] = float(-np.mean(np.log(Pc[np.arange(len(y)), y])))
    onehot = np.eye(len(labels))[y]
    if len(labels) == 2:
        e['brier'] = skm.brier_score_loss(y, P[:, 1])
        e['auc'] = skm.roc_auc_score(y, P[:, 1])
        case['score'] = [float(v) for v in P[:, 1]]
    else:
        e['brier'] = float(np.mean(np.sum((P - onehot) ** 2, axis=1)))  # multi-class Brier: sum over classes
        e['auc'] = skm.roc_auc_score(y, P, multi_class='ovr', average='macro')
    case['expected'] = e
    mets.append(case)


y = rng.integers(0, 2, 400)
clf_case('binary', ['no', 'yes'], y, np.column_stack([np.zeros(400), (y * 2 - 1) * 1.2 + rng.normal(0, 1.5, 400)]))
y = rng.integers(0, 3, 300)
clf_case('three-class', ['Adelie', 'Chinstrap', 'Gentoo'], y, np.eye(3)[y] * 1.5 + rng.normal(0, 1, (300, 3)))
y = rng.integers(0, 2, 50)
clf_case('perfect', ['0', '1'], y, np.column_stack([np.zeros(50), (y * 2 - 1) * 5.0]))


def reg_case(name, y, p):
    y, p = r6(y), r6(p)
    mets.append({'name': name, 'task': 'regression', 'label': y, 'prediction': p, 'expected': {
        'mae': skm.mean_absolute_error(y, p), 'rmse': math.sqrt(skm.mean_squared_error(y, p)),
        'r2': skm.r2_score(y, p), 'mape': skm.mean_absolute_percentage_error(y, p)}})


yv = rng.normal(20, 5, 250)
reg_case('regression', yv, yv + rng.normal(0, 2, 250))
reg_case('regression-constant-prediction', yv[:40], np.full(40, 20.0))
write('metrics', mets)
print(f'wrote fixtures to {os.path.abspath(OUT)}')
