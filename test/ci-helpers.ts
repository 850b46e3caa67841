// A small ML project for the CI tests (ci init, report, the workflow's steps): data tracked
// with cairn add, a pipeline validate -> train -> evaluate -> gate, params that change the
// model's skill. `cairn` is how stages call cairn: `cairn` on PATH in the workflow test,
// `node <built CLI>` in process.
export const N = 400;

const EVAL = ['id,label', ...Array.from({ length: N }, (_, i) => `ex${i},${(i * 7919) % 3 === 0 ? 1 : 0}`)].join('\n') + '\n';

const TRAIN = `import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const skill = Number(/skill: ([\\d.]+)/.exec(readFileSync('params.yaml', 'utf8'))[1]);
mkdirSync('models', { recursive: true });
writeFileSync('models/model.json', JSON.stringify({ skill }) + '\\n');
`;

// deterministic: example i is right when a fixed hash of i falls under the skill
const EVALUATE = `import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const { skill } = JSON.parse(readFileSync('models/model.json', 'utf8'));
const rows = readFileSync('data/eval.csv', 'utf8').trim().split('\\n').slice(1).map((l) => l.split(','));
const u = (i) => ((i * 2654435761) % 4294967296) / 4294967296;
const out = ['id,label,prediction,score'];
let right = 0;
const curve = ['step,accuracy'];
rows.forEach(([id, label], i) => {
  const ok = u(i + 1) < skill;
  const pred = ok ? Number(label) : 1 - Number(label);
  if (ok) right++;
  out.push(id + ',' + label + ',' + pred + ',' + (pred ? 0.8 : 0.2));
  if ((i + 1) % 50 === 0) curve.push((i + 1) + ',' + (right / (i + 1)).toFixed(4));
});
mkdirSync('eval', { recursive: true });
writeFileSync('eval/predictions.csv', out.join('\\n') + '\\n');
writeFileSync('eval/curve.csv', curve.join('\\n') + '\\n');
writeFileSync('metrics.json', JSON.stringify({ accuracy: right / rows.length, n: rows.length }) + '\\n');
`;

export function pipelineYaml(cairn: string): string {
  return `stages:
  validate:
    cmd: ${cairn} validate data/eval.csv --schema eval.schema.yaml --out reports/validation.json
    deps: [data/eval.csv, eval.schema.yaml]
    metrics:
      - reports/validation.json: {cache: false}
  train:
    cmd: node train.mjs
    deps: [train.mjs, reports/validation.json]
    params: [skill]
    outs: [models/model.json]
  evaluate:
    cmd: node evaluate.mjs
    deps: [evaluate.mjs, models/model.json, data/eval.csv]
    outs: [eval/predictions.csv]
    metrics:
      - metrics.json: {cache: false}
    plots:
      - eval/curve.csv: {x: step, y: accuracy}
  gate:
    cmd: ${cairn} gate --baseline none --out eval/gate.json
    deps: [gate.yaml, eval/predictions.csv, data/eval.csv]
    metrics:
      - eval/gate.json: {cache: false}
`;
}

/** The files of the project (data/eval.csv is to be `cairn add`ed). */
export function projectFiles(cairn: string, skill = 0.8): Record<string, string> {
  return {
    'data/eval.csv': EVAL,
    'eval.schema.yaml': 'columns:\n  id: {type: string, unique: true}\n  label: {type: int, in: [0, 1]}\n',
    'params.yaml': `skill: ${skill}\n`,
    'train.mjs': TRAIN,
    'evaluate.mjs': EVALUATE,
    'gate.yaml': 'model: churn\neval_set: data/eval.csv\npredictions: eval/predictions.csv\nmetrics:\n  accuracy: {min: 0.6}\nresamples: 500\n',
    'cairn.yaml': pipelineYaml(cairn),
  };
}
