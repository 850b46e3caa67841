"""Peer of bench/gate.mjs: the same comparison with SciPy and statsmodels.
Usage: python bench/gate-peer.py CAND.csv BASE.csv RESAMPLES
Reads both predictions files, then: statsmodels McNemar on accuracy, and scipy.stats.bootstrap
(paired, percentile, vectorized, seeded) of the candidate - baseline difference for accuracy,
macro F1 and Brier. Prints one JSON line with the results and the seconds taken."""
import json
import sys
import time

t0 = time.perf_counter()
import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

cand_file, base_file, B = sys.argv[1], sys.argv[2], int(sys.argv[3])
def read(path):
    a = np.genfromtxt(path, delimiter=',', skip_header=1, dtype=float)
    return a[:, 1].astype(int), a[:, 2].astype(int), a[:, 3]
y, pc, sc = read(cand_file)
_, pb, sb = read(base_file)
rc, rb = (pc == y), (pb == y)
table = [[int(np.sum(rc & rb)), int(np.sum(rc & ~rb))], [int(np.sum(~rc & rb)), int(np.sum(~rc & ~rb))]]
mc = mcnemar(table, exact=False, correction=True)
rng = np.random.default_rng(0)
kw = dict(paired=True, vectorized=True, n_resamples=B, method='percentile', batch=50, random_state=rng, confidence_level=0.95)

def acc_diff(a, b, axis=-1):
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)

def macro_f1(yy, pp, axis=-1):
    out = 0.0
    for k in (0, 1):
        tp = np.sum((yy == k) & (pp == k), axis=axis)
        sup = np.sum(yy == k, axis=axis)
        pred = np.sum(pp == k, axis=axis)
        out = out + np.where(sup + pred > 0, 2 * tp / np.maximum(sup + pred, 1), 0.0)
    return out / 2

def f1_diff(yy, p1, p2, axis=-1):
    return macro_f1(yy, p1, axis) - macro_f1(yy, p2, axis)

def brier_diff(e1, e2, axis=-1):
    return np.mean(e1, axis=axis) - np.mean(e2, axis=axis)

ci_acc = stats.bootstrap((rc.astype(float), rb.astype(float)), acc_diff, **kw).confidence_interval
ci_f1 = stats.bootstrap((y, pc, pb), f1_diff, **kw).confidence_interval
ci_brier = stats.bootstrap(((sc - y) ** 2, (sb - y) ** 2), brier_diff, **kw).confidence_interval
print(json.dumps({'seconds': time.perf_counter() - t0, 'mcnemar_p': mc.pvalue,
                  'ci': {'accuracy': list(ci_acc), 'macro_f1': list(ci_f1), 'brier': list(ci_brier)}}))
