// Per-example predictions files: CSV (header row, RFC 4180 quoting) or JSON Lines, with the
// columns id, label, prediction and optionally score / score_<class> and any numeric column.
// Input may be hostile: errors name the file and line (exit 2), sizes are capped.
import { readFileSync, statSync } from 'node:fs';
import { CairnError, ioError } from '../../core/errors.js';

export interface Predictions {
  /** as given (for messages) */
  path: string;
  ids: string[];
  /** column name → one string per example (row order) */
  columns: Map<string, string[]>;
  /** 1-based line of each example (for messages) */
  lines: number[];
}

export const MAX_PREDICTIONS_BYTES = 1024 ** 3;
const REQUIRED = ['id', 'label', 'prediction'];

function bad(path: string, line: number | undefined, msg: string, hint?: string): CairnError {
  return new CairnError('CAIRN_CONFIG', `${path}${line ? `:${line}` : ''}: ${msg}`, {
    hint: hint ?? 'a predictions file has the columns id, label, prediction (and score or score_<class> for AUC and log loss); see docs/gate.md',
    data: { file: path, line },
  });
}

/** Read a predictions file from disk (format by extension: .jsonl/.ndjson, else CSV). */
export function readPredictions(absPath: string, shown: string = absPath): Predictions {
  let size: number;
  try {
    const st = statSync(absPath);
    if (!st.isFile()) throw bad(shown, undefined, 'not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof CairnError) throw e;
    throw ioError(e, 'cannot read predictions', shown);
  }
  if (size > MAX_PREDICTIONS_BYTES) throw bad(shown, undefined, `too large (${size} bytes; the limit is ${MAX_PREDICTIONS_BYTES})`);
  let text: string;
  try {
    text = readFileSync(absPath, 'utf8');
  } catch (e) {
    throw ioError(e, 'cannot read predictions', shown);
  }
  return parsePredictions(text, shown, /\.(jsonl|ndjson)$/i.test(absPath) ? 'jsonl' : 'csv');
}

export function parsePredictions(text: string, path: string, format: 'csv' | 'jsonl'): Predictions {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = format === 'csv' ? parseCsv(text, path) : parseJsonl(text, path);
  if (rows.header.length === 0) throw bad(path, 1, 'empty file: expected a header row');
  for (const c of REQUIRED) if (!rows.header.includes(c)) throw bad(path, 1, `missing column '${c}' (columns: ${rows.header.join(', ')})`);
  const seen = new Set<string>();
  for (const c of rows.header) {
    if (seen.has(c)) throw bad(path, 1, `column '${c}' appears twice`);
    seen.add(c);
  }
  const columns = new Map<string, string[]>(rows.header.map((h) => [h, []]));
  const idAt = new Map<string, number>();
  const ids: string[] = [];
  for (let r = 0; r < rows.values.length; r++) {
    const vals = rows.values[r]!;
    const line = rows.lines[r]!;
    rows.header.forEach((h, i) => columns.get(h)!.push(vals[i]!));
    const id = vals[rows.header.indexOf('id')]!;
    if (id === '') throw bad(path, line, 'empty id');
    const prev = idAt.get(id);
    if (prev !== undefined) throw bad(path, line, `duplicate id '${id.slice(0, 80)}' (first on line ${prev})`);
    idAt.set(id, line);
    ids.push(id);
  }
  if (ids.length === 0) throw bad(path, undefined, 'no examples (only a header)');
  return { path, ids, columns, lines: rows.lines };
}

interface Rows {
  header: string[];
  values: string[][];
  lines: number[];
}

/** RFC 4180: fields separated by commas, optionally quoted with "" for a quote; LF or CRLF. */
export function parseCsv(text: string, path: string): Rows {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recLine = 1;
  let i = 0;
  const n = text.length;
  let quoted = false;
  let atStart = true;
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') throw bad(path, line, 'unexpected character after a closing quote');
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '' && atStart) {
      quoted = true;
      atStart = false;
      i++;
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      atStart = true;
      i++;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: recLine });
      fields = [];
      field = '';
      atStart = true;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recLine = line;
      continue;
    }
    field += ch;
    atStart = false;
    i++;
  }
  if (quoted) throw bad(path, recLine, 'unterminated quoted field');
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ fields, line: recLine });
  }
  if (records.length === 0) return { header: [], values: [], lines: [] };
  const header = records[0]!.fields.map((h) => h.trim());
  const values: string[][] = [];
  const lines: number[] = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) throw bad(path, r.line, `expected ${header.length} fields (${header.join(', ')}), got ${r.fields.length}`);
    values.push(r.fields);
    lines.push(r.line);
  }
  return { header, values, lines };
}

/** One JSON object per line; the header is the keys of the first object, every line must have them. */
function parseJsonl(text: string, path: string): Rows {
  let header: string[] = [];
  const values: string[][] = [];
  const lines: number[] = [];
  const all = text.split('\n');
  for (let k = 0; k < all.length; k++) {
    const s = all[k]!.trim();
    if (s === '') continue;
    let o: unknown;
    try {
      o = JSON.parse(s);
    } catch (e) {
      throw bad(path, k + 1, `malformed JSON: ${(e as Error).message}`);
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw bad(path, k + 1, 'expected a JSON object');
    const rec = o as Record<string, unknown>;
    if (header.length === 0) header = Object.keys(rec);
    const row = header.map((h) => {
      if (!Object.prototype.hasOwnProperty.call(rec, h)) throw bad(path, k + 1, `missing key '${h}'`);
      const v = rec[h];
      if (v === null) return '';
      if (typeof v === 'object') throw bad(path, k + 1, `'${h}' must be a string, number or boolean`);
      return String(v);
    });
    values.push(row);
    lines.push(k + 1);
  }
  return { header, values, lines };
}

/** A column as numbers; an empty or non-numeric cell is an error naming its line. */
export function numericColumn(p: Predictions, name: string): Float64Array {
  const col = p.columns.get(name);
  if (!col) throw bad(p.path, 1, `no column '${name}' (columns: ${[...p.columns.keys()].join(', ')})`);
  const out = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const s = col[i]!.trim();
    const v = s === '' ? Number.NaN : Number(s);
    if (!Number.isFinite(v)) throw bad(p.path, p.lines[i], `column '${name}': expected a number, got '${col[i]!.slice(0, 40)}'`);
    out[i] = v;
  }
  return out;
}
