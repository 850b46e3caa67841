import { describe, expect, it } from 'vitest';
import { buildPlot, chooseTemplate, fieldsOf, parseSeries, type Row } from '../../src/metrics/plots.js';
import { CairnError } from '../../src/core/errors.js';

const choose = (rows: Row[], props = {}) => chooseTemplate(props, fieldsOf(rows), rows);

describe('fieldsOf', () => {
  it('types each column from all its values', () => {
    expect(fieldsOf([{ a: 1, b: 'x', c: '', d: 1 }, { a: 2, b: 'y', c: null, d: 'z' }])).toEqual([
      { name: 'a', type: 'number' },
      { name: 'b', type: 'text' },
      { name: 'c', type: 'empty' },
      { name: 'd', type: 'mixed' },
    ]);
  });
});

describe('chooseTemplate: defaults from the columns', () => {
  it('actual/predicted (any case) and label/prediction give confusion', () => {
    expect(choose([{ actual: 'a', predicted: 'b' }])).toMatchObject({ template: 'confusion', x: 'actual', y: ['predicted'], declared: false, reason: "columns 'actual' and 'predicted'" });
    expect(choose([{ id: 3, Label: 'cat', Prediction: 'dog' }])).toMatchObject({ template: 'confusion', x: 'Label', y: ['Prediction'] });
    expect(choose([{ y_true: 0, y_pred: 1 }])).toMatchObject({ template: 'confusion', x: 'y_true', y: ['y_pred'] });
  });
  it('two categorical columns sharing values give confusion; disjoint ones do not', () => {
    expect(choose([{ truth: 'cat', guess: 'dog' }, { truth: 'dog', guess: 'dog' }])).toMatchObject({ template: 'confusion', x: 'truth', y: ['guess'], reason: "categorical columns 'truth' and 'guess' share values" });
    expect(choose([{ name: 'ann', city: 'oslo' }]).template).not.toBe('confusion');
  });
  it('a step or epoch column with numeric fields gives linear over it', () => {
    expect(choose([{ step: 1, loss: 0.5, acc: 0.7 }])).toMatchObject({ template: 'linear', x: 'step', y: ['loss'], reason: "a 'step' column with numeric fields ('loss', 'acc')" });
    expect(choose([{ epoch: 1, val_loss: 0.5 }])).toMatchObject({ template: 'linear', x: 'epoch', y: ['val_loss'] });
  });
  it('two numeric columns and no step give scatter', () => {
    expect(choose([{ fpr: 0, tpr: 0.1 }])).toMatchObject({ template: 'scatter', x: 'fpr', y: ['tpr'], reason: "numeric columns 'fpr' and 'tpr', no step column" });
  });
  it('one numeric column is a line over the row index; none is the fallback with a reason', () => {
    expect(choose([{ loss: 0.5 }, { loss: 0.4 }])).toMatchObject({ template: 'linear', x: '__index', y: ['loss'] });
    expect(choose([{ a: 'x' }])).toMatchObject({ template: 'linear', y: [], reason: 'no rule matched: no numeric field and no actual/predicted pair' });
  });
  it('declared fields steer the rules; a declared template wins', () => {
    expect(choose([{ step: 1, a: 1, b: 2 }], { y: 'b' })).toMatchObject({ template: 'linear', x: 'step', y: ['b'] });
    expect(choose([{ t: 1, a: 'x', b: 'y' }], { x: 'a', y: 'b' })).toMatchObject({ template: 'confusion', x: 'a', y: ['b'] });
    expect(choose([{ actual: 'a', predicted: 'b' }], { template: 'bar' })).toMatchObject({ template: 'bar', declared: true, reason: 'declared in cairn.yaml' });
    expect(choose([{ fpr: 0, tpr: 1 }], { template: 'linear', x: 'fpr', y: 'tpr' })).toMatchObject({ template: 'linear', x: 'fpr', y: ['tpr'], declared: true });
  });
});

describe('buildPlot: never an empty chart in silence', () => {
  it('the demo-like predictions file gets a confusion matrix with counts as text', () => {
    const p = buildPlot('eval/p.csv', {}, [{ rev: 'HEAD', rows: [{ actual: 'a', predicted: 'a' }, { actual: 'a', predicted: 'b' }] }]);
    expect(p.template).toBe('confusion');
    expect(p.warning).toBeUndefined();
    expect(p.points).toBe(2);
    const layers = (p.spec.spec as { layer: { mark: { type: string }; encoding: Record<string, { field?: string }> }[] }).layer;
    expect(layers.map((l) => l.mark.type)).toEqual(['rect', 'text']);
    expect(layers[1]!.encoding.text!.field).toBe('count');
  });
  it('text-only data under linear warns naming the file, the problem and the fields found', () => {
    const p = buildPlot('eval/p.csv', { template: 'linear' }, [{ rev: 'HEAD', rows: [{ actual: 'a', predicted: 'b' }] }]);
    expect(p.points).toBe(0);
    expect(p.warning).toBe("eval/p.csv: nothing to draw with template 'linear' (no numeric field for y); fields found: actual (text), predicted (text). Set template, x and y under plots: in cairn.yaml");
    const q = buildPlot('l.csv', { y: 'loss' }, [{ rev: 'HEAD', rows: [{ step: 1, acc: 0.5 }] }]);
    expect(q.warning).toMatch(/^l\.csv: nothing to draw with template 'linear' \(y 'loss' is not a field\); fields found: step \(number\), acc \(number\)/);
  });
  it('no rows at all is a warning too', () => {
    expect(buildPlot('e.csv', {}, [{ rev: 'HEAD', rows: [] }]).warning).toBe('e.csv: no rows to plot at HEAD; fields found: none');
    expect(buildPlot('e.csv', {}, []).warning).toBe('e.csv: no rows to plot at any revision; fields found: none');
  });
});

describe('parseSeries', () => {
  it('malformed plot data is CAIRN_BAD_PLOT naming the file', () => {
    const e = (() => {
      try {
        parseSeries('{"a":', 'p.json');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).code).toBe('CAIRN_BAD_PLOT');
    expect((e as CairnError).message).toMatch(/^p\.json: not valid JSON/);
    expect(() => parseSeries('[[1,2]]', 'p.json')).toThrow(/p\.json: plot data must be a list of records/);
  });
});
