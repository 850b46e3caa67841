# Writes fixtures/validate/seeded.{csv,jsonl,parquet}: one 40-row table seeded with known
# violations of fixtures/validate/seeded.schema.yaml (the rows are listed in
# fixtures/validate/seeded.expected.json, written by hand). Run with the pandera venv:
#   "$(scripts/pandera-peer.sh)" scripts/make-validate-fixture.py
# The outputs are committed, so tests need no Python.
import csv, json, math, os
import pyarrow as pa, pyarrow.parquet as pq

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'validate')
SPECIES = ['Adelie', 'Chinstrap', 'Gentoo']
ISLANDS = ['Biscoe', 'Dream', 'Torgersen']
rows = []
for i in range(1, 41):
    rows.append({
        'id': str(i),
        'species': SPECIES[i % 3],
        'island': ISLANDS[(i // 3) % 3],
        'bill_mm': round(30 + (i % 20) * 1.5, 1),
        'flipper_mm': str(180 + i),
        'email': f'user{i}@example.org',
        'year': 2007 + i % 3,
        'code': f'C{i:02d}',
        'date': f'2020-01-{(i % 28) + 1:02d}',
        'score': round((i % 10) / 10, 2),
        'sex': ['male', 'female', None][i % 3],
        'note': 'said "hi", twice' if i == 2 else f'n{i}',
    })
def at(n, **kw): rows[n - 1].update(kw)
at(7, id='seven')                       # type (int)
at(12, id='11')                         # unique: repeats row 11
at(30, id='1')                          # unique: repeats row 1
at(5, island=None)                      # nullable (island is not nullable)
at(9, species='Emperor')                # in
at(14, bill_mm=10.5)                    # min
at(15, bill_mm=99.0)                    # max
at(18, email='no-at-sign')              # regex
at(19, email='a@b@c')                   # regex
at(21, code='ABCD')                     # length
at(23, date='2020-02-30')               # type (date): no such day
at(25, score=1.0)                       # max with exclusive_max
at(27, year=2011)                       # max, severity warn
at(33, island=rows[31]['island'], code=rows[31]['code'])  # unique (island, code) repeats row 32
at(35, bill_mm=None)                    # a null in a nullable column: no failure
at(36, species=None)                    # nullable (species is not nullable)
at(38, flipper_mm='abc')                # type (int); judged by type only
at(40, email='x' * 30)                  # regex AND length: one value, two checks

cols = list(rows[0].keys())
with open(os.path.join(HERE, 'seeded.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(cols)
    for r in rows: w.writerow(['' if r[c] is None else r[c] for c in cols])
with open(os.path.join(HERE, 'seeded.jsonl'), 'w') as f:
    for r in rows:
        o = dict(r)
        for c in ('id', 'flipper_mm'):
            o[c] = int(o[c]) if o[c].isdigit() else o[c]
        f.write(json.dumps(o) + '\n')
table = pa.table({
    'id': pa.array([r['id'] for r in rows], pa.string()),
    'species': pa.array([r['species'] for r in rows], pa.string()),
    'island': pa.array([r['island'] for r in rows], pa.string()),
    'bill_mm': pa.array([r['bill_mm'] for r in rows], pa.float64()),
    'flipper_mm': pa.array([r['flipper_mm'] for r in rows], pa.string()),
    'email': pa.array([r['email'] for r in rows], pa.string()),
    'year': pa.array([r['year'] for r in rows], pa.int64()),
    'code': pa.array([r['code'] for r in rows], pa.string()),
    'date': pa.array([r['date'] for r in rows], pa.string()),
    'score': pa.array([r['score'] for r in rows], pa.float64()),
    'sex': pa.array([r['sex'] for r in rows], pa.string()),
    'note': pa.array([r['note'] for r in rows], pa.string()),
})
# several row groups, snappy: the reader must cross group boundaries and decompress
pq.write_table(table, os.path.join(HERE, 'seeded.parquet'), row_group_size=16, compression='snappy')
