// status and params diff flatten params the same way (one flatten, DVC's rule: a list is one
// value), so a changed list-valued param is one change under one key in both.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, git, tempRepo } from '../helpers.js';
import { paramsDiff } from '../../src/api/params.js';
import { repro } from '../../src/api/repro.js';
import { status } from '../../src/api/status.js';

const pipelineStatus = async (o: { cwd: string }) => (await status({ ...o, data: false, pipeline: true })).pipeline!;

afterEach(cleanup);

describe('list-valued params', () => {
  it('status and params diff report the same key, old and new value', async () => {
    const dir = await tempRepo({
      'cairn.yaml': 'stages:\n  train:\n    cmd: echo ok > model.txt\n    params: [train]\n    outs: [model.txt]\n',
      'params.yaml': 'train:\n  layers: [8, 4]\n  lr: 0.1\n',
    });
    const r = await repro({ cwd: dir });
    expect(r.ok).toBe(true);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'one');
    writeFileSync(join(dir, 'params.yaml'), 'train:\n  layers: [8, 5]\n  lr: 0.1\n');

    const st = await pipelineStatus({ cwd: dir });
    const fromStatus = st.stages[0]!.params.map((p) => ({ key: p.key, old: p.old, new: p.new }));
    const d = await paramsDiff({ cwd: dir });
    const fromDiff = d.rows.map((row) => ({ key: row.key, old: row.old, new: row.new }));
    expect(fromStatus).toEqual([{ key: 'train.layers', old: [8, 4], new: [8, 5] }]);
    expect(fromDiff).toEqual(fromStatus);
  });
});
