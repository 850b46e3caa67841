// A temp repo with a registered linear model (fixtures/serve/linear-predictor.mjs reads it):
// v1.0.0 (production), v2.0.0, and any more versions a test asks for.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, ROOT, tempRepo } from './helpers.js';

export const JS_PREDICTOR = join(ROOT, 'fixtures', 'serve', 'linear-predictor.mjs');
export const PY_PREDICTOR = join(ROOT, 'fixtures', 'serve', 'linear-predictor.py');

/** Register each model body (model.json contents) as v1.0.0, v2.0.0, ...; v1 gets `production`. */
export async function servedRepo(models: (object | string)[] = [{ weights: { x1: 1, x2: -1 }, bias: 0 }, { weights: { x1: -1, x2: 1 }, bias: 0 }]): Promise<string> {
  const dir = await tempRepo({});
  const { add } = await import('../src/api/add.js');
  const { modelRegister } = await import('../src/api/model-register.js');
  const { modelPromote } = await import('../src/api/model-promote.js');
  for (const [i, m] of models.entries()) {
    writeFileSync(join(dir, 'model.json'), typeof m === 'string' ? m : JSON.stringify(m));
    await add({ cwd: dir, targets: ['model.json'] });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', `model ${i + 1}`);
    await modelRegister({ cwd: dir, name: 'clf', path: 'model.json', version: `${i + 1}.0.0` });
  }
  await modelPromote({ cwd: dir, target: 'clf@v1.0.0', alias: 'production' });
  return dir;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const r = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // text (metrics)
  }
  return { status: r.status, headers: r.headers, body: parsed };
}

/** Every line of a request log and its rotated files, parsed. */
export function logLines(file: string, rotated = 0): Record<string, unknown>[] {
  const files = [...Array.from({ length: rotated }, (_, i) => `${file}.${rotated - i}`), file];
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
}
