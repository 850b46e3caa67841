// The registry API the gate and deploy use: resolveModel, materializeModel, readModelObject.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, git, tempDir, tempRepo } from '../helpers.js';

afterEach(() => cleanup());

describe('mlops/registry index API', () => {
  it('resolves NAME@ALIAS / NAME@vX.Y.Z to the record, materialises it and reads the predictions back by id', async () => {
    const dir = await tempRepo({ 'm.cjs': "require('fs').writeFileSync('model.bin','weights');require('fs').writeFileSync('pred.csv','y\\n1\\n')" });
    const { stageAdd } = await import('../../src/api/stage.js');
    const { repro } = await import('../../src/api/repro.js');
    await stageAdd({ cwd: dir, name: 'train', deps: ['m.cjs'], outs: ['model.bin', 'pred.csv'], cmd: 'node m.cjs' });
    const r = await repro({ cwd: dir });
    expect(r.ok).toBe(true);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'x');
    const { lineage } = await import('../../src/api/lineage.js');
    const predId = (await lineage({ cwd: dir, target: 'pred.csv' })).tree.id!;
    writeFileSync(join(dir, 'gate.json'), JSON.stringify({ verdict: 'pass', eval_set: { path: 'm.cjs', id: 'a'.repeat(32) }, candidate: { predictions: { path: 'pred.csv', id: predId } } }));
    const { modelRegister } = await import('../../src/api/model-register.js');
    const { modelPromote } = await import('../../src/api/model-promote.js');
    await modelRegister({ cwd: dir, name: 'clf', path: 'model.bin', gateReport: 'gate.json', allowDirty: true });
    expect((await modelPromote({ cwd: dir, target: 'clf@v1.0.0', alias: 'production' })).verdict).toBe('pass');

    const reg = await import('../../src/mlops/registry/index.js');
    const rec = await reg.resolveModel({ root: dir, target: 'clf@production' });
    expect(rec).toMatchObject({ name: 'clf', version: 'v1.0.0', path: 'model.bin', gate: { verdict: 'pass' }, predictions: { path: 'pred.csv', id: predId } });
    expect(rec).not.toHaveProperty('checksum');
    expect(await reg.resolveModel({ root: dir, target: 'clf@staging' })).toBeNull();
    expect(await reg.resolveModel({ root: dir, target: 'clf@v2.0.0' })).toBeNull();
    const out = tempDir();
    const m = await reg.materializeModel({ root: dir, record: rec!, dir: out });
    expect(m.files).toEqual([join(out, 'model.bin')]);
    expect(readFileSync(join(out, 'model.bin'), 'utf8')).toBe('weights');
    rmSync(join(dir, 'pred.csv'));
    expect((await reg.readModelObject({ root: dir, id: rec!.predictions!.id })).toString()).toBe('y\n1\n');
    const report = JSON.parse((await reg.readModelObject({ root: dir, id: rec!.gate!.report_id })).toString());
    expect(report.verdict).toBe('pass');
    // hostile or malformed gate reports: refused with the file named, nothing registered
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'y');
    for (const [body, msg] of [
      [{ verdict: 'pass', candidate: { predictions: { path: '../../etc/passwd', id: predId } } }, /candidate\.predictions must be \{path \(inside the repo\), id\}/],
      [{ verdict: 'maybe' }, /'verdict' must be pass, fail or inconclusive/],
      [{ verdict: 'pass', eval_set: { path: 'x', id: 'not-an-id' } }, /eval_set must be/],
    ] as const) {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify(body));
      await expect(modelRegister({ cwd: dir, name: 'clf', path: 'model.bin', gateReport: 'bad.json', allowDirty: true })).rejects.toThrow(msg);
    }
    writeFileSync(join(dir, 'bad.json'), '{not json');
    await expect(modelRegister({ cwd: dir, name: 'clf', path: 'model.bin', gateReport: 'bad.json', allowDirty: true })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
    expect(git(dir, 'tag', '-l', 'clf@*').trim()).toBe('clf@v1.0.0');
  });
});
