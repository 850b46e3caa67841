// `cairn deploy --emit`: the Argo Rollout + AnalysisTemplate and the Flagger Canary carry the
// rollout's steps, interval, failure limit and thresholds. Structure is checked here; with
// CAIRN_CRD_SCHEMAS=DIR (a folder holding rollout_v1alpha1.json, analysistemplate_v1alpha1.json
// and canary_v1beta1.json from github.com/datreeio/CRDs-catalog, the published CRD schemas)
// the documents are also validated against them (skipped otherwise: the schemas are not vendored).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applySettings, defaultDeployConfig } from '../../src/mlops/deploy/config.js';
import { emitArgo, emitFlagger, goDuration } from '../../src/mlops/deploy/emit.js';
import { stringify } from 'yaml';

const cfg = applySettings(defaultDeployConfig(), { steps: '10,50,100', interval: '60s', failure_limit: 2, max_error_rate: 0.02, min_requests: 40 }, (k) => k);

describe('emit argo-rollouts', () => {
  const [rollout, template] = emitArgo({ name: 'penguins', version: 'v1.2.0', config: cfg }) as [any, any];

  it('a Rollout with setWeight/pause steps and a background analysis', () => {
    expect(rollout).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'penguins' } });
    expect(rollout.spec.strategy.canary.steps).toEqual([{ setWeight: 10 }, { pause: { duration: '60s' } }, { setWeight: 50 }, { pause: { duration: '60s' } }, { setWeight: 100 }]);
    expect(rollout.spec.strategy.canary.analysis.templates).toEqual([{ templateName: 'penguins-analysis' }]);
    expect(rollout.spec.selector.matchLabels).toEqual(rollout.spec.template.metadata.labels);
    expect(rollout.spec.template.spec.containers[0].image).toBe('REGISTRY/penguins:v1.2.0');
  });

  it('an AnalysisTemplate: successCondition, interval, count, failureLimit per metric', () => {
    expect(template).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'penguins-analysis' } });
    const m = template.spec.metrics as any[];
    expect(m.map((x) => x.name)).toEqual(['error-rate', 'p99-latency-ms', 'canary-traffic']);
    for (const x of m) {
      expect(x.interval).toBe('60s');
      expect(x.count).toBe(3);
      // Argo fails when failures exceed failureLimit; cairn rolls back at failure_limit failures
      expect(x.failureLimit).toBe(1);
      expect(typeof x.successCondition).toBe('string');
      expect(typeof x.provider.prometheus.query).toBe('string');
    }
    expect(m[0].successCondition).toContain('result[0] <= 0.02');
    expect(m[2].successCondition).toContain('>= 40');
  });
});

describe('emit flagger', () => {
  const [canary] = emitFlagger({ name: 'penguins', version: null, config: cfg }) as [any];
  it('a Canary with stepWeights below 100, threshold = failure_limit, and the built-in metrics', () => {
    expect(canary).toMatchObject({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', spec: { targetRef: { kind: 'Deployment', name: 'penguins' } } });
    expect(canary.spec.analysis).toMatchObject({ interval: '60s', threshold: 2, stepWeights: [10, 50], maxWeight: 50 });
    expect(canary.spec.analysis.metrics).toEqual([
      { name: 'request-success-rate', thresholdRange: { min: 98 }, interval: '60s' },
      { name: 'request-duration', thresholdRange: { max: 500 }, interval: '60s' },
    ]);
  });
});

describe('durations', () => {
  it('Go duration text', () => {
    expect([goDuration(60_000), goDuration(1500), goDuration(3_600_000), goDuration(2000)]).toEqual(['60s', '1500ms', '60m', '2s']);
  });
});

const dir = process.env.CAIRN_CRD_SCHEMAS;
const have = !!dir && ['rollout_v1alpha1.json', 'analysistemplate_v1alpha1.json', 'canary_v1beta1.json'].every((f) => existsSync(join(dir, f)));

describe.skipIf(!have)('against the published CRD schemas (CAIRN_CRD_SCHEMAS)', () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const check = (file: string, doc: unknown) => {
    const validate = ajv.compile(JSON.parse(readFileSync(join(dir!, file), 'utf8')));
    // round-trip through the YAML the CLI writes
    const parsed = parseAllDocuments(stringify(doc))[0]!.toJS();
    const ok = validate(parsed);
    expect(validate.errors ?? [], file).toEqual([]);
    expect(ok).toBe(true);
  };
  it('Rollout, AnalysisTemplate and Canary validate', () => {
    const [r, t] = emitArgo({ name: 'penguins', version: 'v1.2.0', config: cfg });
    check('rollout_v1alpha1.json', r);
    check('analysistemplate_v1alpha1.json', t);
    check('canary_v1beta1.json', emitFlagger({ name: 'penguins', version: 'v1.2.0', config: cfg })[0]);
  });
});
