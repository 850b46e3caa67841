// api/deploy.ts against real temp repos and a real registry: the command target with real shell
// hooks (a fake clock keeps it fast: sleeping advances it), the state file and the config section
// as hostile input, and --emit's file writing.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deploy, deployAbort, deployEmit, deployPause, deployPromote, deployResume, deployStatus } from '../../src/api/deploy.js';
import { add } from '../../src/api/add.js';
import { modelPromote } from '../../src/api/model-promote.js';
import { modelRegister } from '../../src/api/model-register.js';
import { modelHistory } from '../../src/api/model-history.js';
import { CairnError } from '../../src/core/errors.js';
import { cleanup, git, tempRepo } from '../helpers.js';

afterEach(() => cleanup());

async function registryRepo(config: string): Promise<string> {
  const dir = await tempRepo({});
  for (const v of [1, 2]) {
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ v }));
    await add({ cwd: dir, targets: ['model.json'] });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', `v${v}`);
    await modelRegister({ cwd: dir, name: 'clf', path: 'model.json', version: `${v}.0.0` });
  }
  await modelPromote({ cwd: dir, target: 'clf@v1.0.0', alias: 'production' });
  const cfg = join(dir, '.cairn', 'config.yaml');
  writeFileSync(cfg, readFileSync(cfg, 'utf8') + config);
  // the metrics hook: a window whose canary errs when errors.txt exists
  writeFileSync(
    join(dir, 'window.mjs'),
    `import { existsSync } from 'node:fs';
const [since, until] = process.argv.slice(2);
const errs = existsSync('errors.txt') ? 5 : 0;
console.log(JSON.stringify({ since, until, variants: { stable: { version: 'v1.0.0', requests: 100, errors: 0, p99_ms: 4 }, canary: { version: process.env.CAIRN_DEPLOY_VERSION, requests: 40, errors: errs, p99_ms: 4 } } }));
`,
  );
  return dir;
}

const HOOKS = `deploy:
  target: command
  interval: 2s
  min_requests: 20
  set_weight: echo \${weight} >> weights.txt
  metrics: node window.mjs \${since} \${until}
`;

function fakeClock() {
  let t = Date.parse('2026-01-01T00:00:00Z');
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

const production = async (dir: string) => (await modelHistory({ cwd: dir, name: 'clf', alias: 'production' })).rows?.at(-1) ?? (await modelHistory({ cwd: dir, name: 'clf', alias: 'production' }));

describe('deploy --target command (real hooks)', () => {
  it('succeeds through the steps, moves production by rollout, and records each weight', async () => {
    const dir = await registryRepo(HOOKS);
    const r = await deploy({ cwd: dir, model: 'clf@v2.0.0', clock: fakeClock() });
    expect(r).toMatchObject({ verdict: 'pass', state: 'succeeded', target: 'command', stable: 'v1.0.0', step: 3, weight: 100 });
    // the last 100 is the promotion (no promote hook: all traffic on the canary)
    expect(readFileSync(join(dir, 'weights.txt'), 'utf8')).toBe('10\n50\n100\n100\n');
    const hist = JSON.stringify(await production(dir));
    expect(hist).toContain('v2.0.0');
    expect(hist).toContain('"moved_by":"rollout"');
    expect(JSON.parse(readFileSync(join(dir, '.cairn', 'deploy', 'command.json'), 'utf8'))).toMatchObject({ state: 'succeeded', version: 'v2.0.0' });
  });

  it('a failing canary rolls back through set_weight 0 (no rollback hook); production unchanged; a retry after abort works', async () => {
    const dir = await registryRepo(HOOKS);
    writeFileSync(join(dir, 'errors.txt'), 'x');
    const r = await deploy({ cwd: dir, model: 'clf@v2.0.0', clock: fakeClock() });
    expect(r).toMatchObject({ verdict: 'fail', state: 'rolled_back', weight: 0 });
    expect(r.reason).toMatch(/error_rate: canary 5\/40 errors/);
    expect(readFileSync(join(dir, 'weights.txt'), 'utf8')).toBe('10\n0\n');
    expect(JSON.stringify(await production(dir))).not.toContain('v2.0.0');
    // finished: a new rollout of the same version may start
    const again = await deploy({ cwd: dir, model: 'clf@v2.0.0', clock: fakeClock() });
    expect(again.state).toBe('rolled_back');
    await expect(deployAbort({ cwd: dir, target: 'command' })).rejects.toThrow(/nothing to abort/);
  });

  it('refuses an unregistered version, the production version, and a command target without hooks', async () => {
    const dir = await registryRepo(HOOKS);
    await expect(deploy({ cwd: dir, model: 'clf@v9.0.0', clock: fakeClock() })).rejects.toMatchObject({ code: 'CAIRN_NOT_FOUND' });
    await expect(deploy({ cwd: dir, model: 'clf@v1.0.0', clock: fakeClock() })).rejects.toThrow(/already is production/);
    await expect(deploy({ cwd: dir, model: 'clf@latest' })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
    const bare = await registryRepo('deploy:\n  target: command\n');
    await expect(deploy({ cwd: bare, model: 'clf@v2.0.0', clock: fakeClock() })).rejects.toThrow(/needs deploy.set_weight/);
  });
});

describe('pause, resume and promote through the api', () => {
  it('a pause from outside stops the driving loop (paused, exit 4); resume finishes from the same step', async () => {
    const dir = await registryRepo(HOOKS);
    const clock = fakeClock();
    let paused = false;
    const r = await deploy({
      cwd: dir,
      model: 'clf@v2.0.0',
      clock: {
        now: clock.now,
        sleep: async (ms) => {
          await clock.sleep(ms);
          // another `cairn deploy pause`, while step 2 observes
          const st = JSON.parse(readFileSync(join(dir, '.cairn', 'deploy', 'command.json'), 'utf8'));
          if (!paused && st.step === 2) {
            paused = true;
            await deployPause({ cwd: dir });
          }
        },
      },
    });
    expect(r).toMatchObject({ state: 'paused', verdict: 'inconclusive', step: 2, reason: 'paused by user' });
    await expect(deployPause({ cwd: dir })).rejects.toThrow(/not running/);
    const done = await deployResume({ cwd: dir, clock: fakeClock() });
    expect(done).toMatchObject({ state: 'succeeded', step: 3 });
    // the weight of step 2 was set again on resume, step 1's was not
    expect(readFileSync(join(dir, 'weights.txt'), 'utf8')).toBe('10\n50\n50\n100\n100\n');
    await expect(deployResume({ cwd: dir })).rejects.toThrow(/succeeded: nothing to resume/);
  });

  it('promote skips the remaining steps of a paused rollout and moves production', async () => {
    const dir = await registryRepo(HOOKS.replace('min_requests: 20', 'min_requests: 1000').replace('interval: 2s', 'interval: 1s\n  traffic_timeout: 1s'));
    const r = await deploy({ cwd: dir, model: 'clf@v2.0.0', clock: fakeClock() });
    expect(r).toMatchObject({ state: 'paused', step: 1 });
    expect(r.reason).toMatch(/too little traffic: 40 canary requests of the 1000 needed/);
    const p = await deployPromote({ cwd: dir, clock: fakeClock() });
    expect(p).toMatchObject({ state: 'succeeded', reason: 'promoted by user', weight: 100 });
    expect(JSON.stringify(await production(dir))).toContain('v2.0.0');
    expect(readFileSync(join(dir, 'weights.txt'), 'utf8')).toBe('10\n100\n');
  });
});

describe('hostile input', () => {
  it('a bad deploy: config value or unknown key is exit 2 naming the key', async () => {
    const dir = await registryRepo('');
    const cfgFile = join(dir, '.cairn', 'config.yaml');
    const base = readFileSync(cfgFile, 'utf8');
    for (const [cfg, re] of [
      ['deploy:\n  steps: "50,10"\n', /deploy.steps/],
      ['deploy:\n  interval: soon\n', /deploy.interval/],
      ['deploy:\n  max_psi: -1\n', /deploy.max_psi/],
      ['deploy:\n  rollout_speed: 3\n', /deploy.rollout_speed/],
    ] as const) {
      writeFileSync(cfgFile, base + cfg);
      const e = await deployStatus({ cwd: dir }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CairnError);
      expect((e as CairnError).code).toBe('CAIRN_CONFIG');
      expect((e as CairnError).message).toMatch(re);
    }
  });

  it('a damaged state file is exit 2 naming it; a symlinked .cairn/deploy is refused', async () => {
    const dir = await registryRepo(HOOKS);
    mkdirSync(join(dir, '.cairn', 'deploy'));
    for (const body of ['{', '[]', JSON.stringify({ schema: 1, state: 'exploded' }), JSON.stringify({ schema: 2 })]) {
      writeFileSync(join(dir, '.cairn', 'deploy', 'command.json'), body);
      const e = (await deployStatus({ cwd: dir }).catch((x: unknown) => x)) as CairnError;
      expect(e.code).toBe('CAIRN_CONFIG');
      expect(e.message).toContain('command.json');
    }
    const other = await registryRepo(HOOKS);
    const outside = join(dir, 'elsewhere');
    mkdirSync(outside);
    symlinkSync(outside, join(other, '.cairn', 'deploy'));
    await expect(deploy({ cwd: other, model: 'clf@v2.0.0', clock: fakeClock() })).rejects.toThrow(/symlink/);
  });

  it('status of a target with no rollout says how to start one', async () => {
    const dir = await registryRepo('');
    await expect(deployStatus({ cwd: dir })).rejects.toMatchObject({ code: 'CAIRN_NOT_FOUND', hint: expect.stringContaining('cairn deploy NAME@VERSION') });
  });
});

describe('--emit', () => {
  it('writes the manifests once; overwriting needs force', async () => {
    const dir = await registryRepo(HOOKS);
    const r = await deployEmit({ cwd: dir, model: 'clf@v2.0.0', format: 'argo-rollouts', out: 'k8s/rollout.yaml' });
    expect(r.documents.map((d) => d.kind)).toEqual(['Rollout', 'AnalysisTemplate']);
    expect(readFileSync(join(dir, 'k8s', 'rollout.yaml'), 'utf8')).toContain('setWeight: 10');
    await expect(deployEmit({ cwd: dir, model: 'clf', format: 'flagger', out: 'k8s/rollout.yaml' })).rejects.toThrow(/exists/);
    expect((await deployEmit({ cwd: dir, model: 'clf', format: 'flagger', out: 'k8s/rollout.yaml', force: true })).documents[0]!.kind).toBe('Canary');
    await expect(deployEmit({ cwd: dir, model: 'clf', format: 'helm' })).rejects.toThrow(/argo-rollouts or flagger/);
  });
});
