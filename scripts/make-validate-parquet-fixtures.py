# Writes fixtures/validate/parquet/: one 300-row table with nulls and seeded violations, as CSV
# (table.csv) and as Parquet in the layouts the reader must all decode alike: several row
# groups and pages, dictionary and plain encoding, data pages v1 and v2, every codec
# hyparquet-compressors reads, INT32/INT64/FLOAT/DOUBLE. Plus extra.parquet and extra-plain.parquet
# (dictionary and plain pages): NaN (a null), an INT64 beyond 2^53, a fraction in an int
# column, non-ASCII and 200-byte strings. Run with the pandera venv:
#   "$(scripts/pandera-peer.sh)" scripts/make-validate-parquet-fixtures.py
# The outputs are committed, so tests need no Python.
import csv, os
import pyarrow as pa, pyarrow.parquet as pq

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'validate', 'parquet')
os.makedirs(HERE, exist_ok=True)
N = 300
SPECIES = ['Adelie', 'Chinstrap', 'Gentoo']
cols = {'id': [], 'n32': [], 'mass': [], 'bill': [], 'ratio': [], 'species': [], 'email': [], 'date': []}
for i in range(1, N + 1):
    cols['id'].append(i if i % 97 else i - 1)                         # unique: repeats
    cols['n32'].append(None if i % 11 == 0 else (i % 40) - 5)         # nulls; min 0 fails below
    cols['mass'].append(2700 + (i * 37) % 4000 if i % 89 else 9000)   # max 6000 fails
    cols['bill'].append(None if i % 13 == 0 else round(30 + (i % 27) + (i % 10) / 10, 1))  # nullable floats
    cols['ratio'].append(((i % 50) / 50.0) if i % 71 else 1.0)        # exclusive max 1
    cols['species'].append(None if i % 17 == 0 else ('Emperor' if i % 59 == 0 else SPECIES[i % 3]))
    cols['email'].append(f'user{i}@example.org' if i % 43 else f'user{i}-at-example.org')
    cols['date'].append(f'2020-{1 + i % 12:02d}-{1 + i % 28:02d}' if i % 101 else '2020-02-30')
types = {'id': pa.int64(), 'n32': pa.int32(), 'mass': pa.int64(), 'bill': pa.float64(), 'ratio': pa.float32(), 'species': pa.string(), 'email': pa.string(), 'date': pa.string()}
table = pa.table({k: pa.array(v, type=types[k]) for k, v in cols.items()})

def js(v):
    # a number as JavaScript's String() writes it (30.0 -> 30), so CSV text and Parquet values agree
    if isinstance(v, float): return str(int(v)) if v.is_integer() else repr(v)
    return str(v)

with open(os.path.join(HERE, 'table.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(cols.keys())
    for r in range(N):
        row = []
        for k in cols:
            v = cols[k][r]
            if k == 'ratio': v = pa.array([v], pa.float32())[0].as_py()  # the float32 as a double
            row.append('' if v is None else js(v))
        w.writerow(row)

layouts = {
    'snappy-dict-v1': dict(compression='snappy', use_dictionary=True, data_page_version='1.0', row_group_size=100, data_page_size=256, write_batch_size=16),
    'gzip-plain-v2': dict(compression='gzip', use_dictionary=False, data_page_version='2.0', row_group_size=64, data_page_size=512, write_batch_size=32),
    'zstd-dict-v2': dict(compression='zstd', use_dictionary=True, data_page_version='2.0'),
    'brotli-plain-v1': dict(compression='brotli', use_dictionary=False, data_page_version='1.0', row_group_size=128),
    'lz4-dict-v1': dict(compression='lz4', use_dictionary=True, data_page_version='1.0'),
    'none-mixed-v2': dict(compression='none', use_dictionary=['species', 'date', 'mass'], data_page_version='2.0', row_group_size=150),
}
for name, kw in layouts.items():
    pq.write_table(table, os.path.join(HERE, f'{name}.parquet'), **kw)

extra = pa.table({
    'x': pa.array([1.5, float('nan'), None, 2.0, -0.0, 0.0], pa.float64()),
    'k': pa.array([1, 2**60, None, -(2**60), 5, 5], pa.int64()),
    'w': pa.array([1.0, 2.5, 3.0, None, 4.0, 4.0], pa.float64()),
    's': pa.array(['plain', 'caf\u00e9', 'x' * 200, None, 'plain', 'na\u00efve'], pa.string()),
})
# dictionary pages (extra.parquet) and plain pages (extra-plain.parquet)
pq.write_table(extra, os.path.join(HERE, 'extra.parquet'), compression='snappy', data_page_size=64, write_batch_size=2)
pq.write_table(extra, os.path.join(HERE, 'extra-plain.parquet'), compression='snappy', use_dictionary=False, data_page_size=64, write_batch_size=2)
