import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';
import { verdictExit } from '../outcome.js';
import type { DeployResult, RolloutEvent } from '../../api/deploy.js';

const CONTROL = ['status', 'pause', 'resume', 'abort', 'promote'] as const;
type Control = (typeof CONTROL)[number];

function pct(x: number | null): string {
  return x === null ? '–' : `${Number((x * 100).toPrecision(3))}%`;
}

function eventLine(e: RolloutEvent): string {
  switch (e.kind) {
    case 'loaded':
      return `canary ${e.version} loaded`;
    case 'weight':
      return `step ${e.step}/${e.steps}: canary weight ${e.weight}%`;
    case 'waiting':
      return `  waiting for traffic: ${e.canary_requests}/${e.needed} canary requests`;
    case 'analysis': {
      const a = e.analysis;
      const err = a.checks.find((c) => c.check === 'error_rate');
      const lat = a.checks.find((c) => c.check === 'p99_latency');
      const detail = a.verdict === 'inconclusive' ? a.reason : `canary ${a.canary_requests} req, errors ${pct(err?.canary ?? null)} (stable ${pct(err?.stable ?? null)}), P99 ${lat?.canary === null || lat?.canary === undefined ? '–' : `${lat.canary.toFixed(1)} ms`}`;
      return `  analysis at ${e.weight}%: ${a.verdict} (${detail})${a.verdict === 'fail' ? `\n  ${a.reason}` : ''}`;
    }
    case 'promoted':
      return `promoted ${e.version}: production${e.tag ? ` (${e.tag})` : ''}`;
    case 'rolled_back':
      return `rolled back: canary weight 0, production unchanged (${e.reason})`;
    case 'paused':
      return `paused: ${e.reason}`;
    case 'target_error':
      return `  target error (attempt ${e.attempt}): ${e.message}`;
  }
}

function statusText(r: DeployResult): string {
  const lines = [
    `${r.name}@${r.version} on ${r.target}: ${r.state}${r.state === 'running' || r.state === 'paused' ? `, step ${r.step}/${r.steps.length} at ${r.weight}%` : `, weight ${r.weight}%`}`,
    `stable: ${r.stable ?? '–'}; steps ${r.steps.join(',')}; rollout ${r.id} started ${r.started}`,
  ];
  if (r.reason) lines.push(`reason: ${r.reason}`);
  if (r.production?.tag) lines.push(`production: ${r.version} (${r.production.tag}, was ${r.production.previous ?? 'none'})`);
  if (r.target_error) lines.push(`warning: the target did not take the rollback: ${r.target_error}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('deploy')
    .description('roll out a registered version gradually (10% → 50% → 100%), analysing canary against stable each step; rolls back on failure, pauses on too little traffic')
    .argument('<what>', 'NAME@vX.Y.Z to start a rollout, or status | pause | resume | abort | promote')
    .option('--target <target>', 'local (cairn serve, the default) or command (hooks in the deploy: config)')
    .option('--steps <weights>', 'canary weights in percent, ending at 100 (default 10,50,100)')
    .option('--interval <duration>', 'how long each step observes before its analysis (default 60s)')
    .option('--min-requests <n>', 'canary requests a window needs for a verdict (default 50)')
    .option('--failure-limit <n>', 'consecutive failed analyses that roll back (default 1)')
    .option('--traffic-timeout <duration>', 'how long past the interval a step waits for min-requests before pausing (default 120s)')
    .option('--url <url>', 'cairn serve URL for --target local (default: from .cairn/serve/state.json)')
    .option('--emit <format>', 'write the equivalent manifests instead: argo-rollouts (Rollout + AnalysisTemplate) or flagger (Canary)')
    .option('--out <file>', 'with --emit: write the YAML here (default: stdout)')
    .option('--image <image>', 'with --emit: the container image')
    .option('--force', 'with --out: overwrite the file')
    .option('--json', 'print the result (the rollout state) as JSON')
    .action(
      run(async (o, _c, [what]) => {
        const arg = String(what);
        const flags = {
          target: o.target as string | undefined,
          steps: o.steps as string | undefined,
          interval: o.interval as string | undefined,
          minRequests: o.minRequests as string | undefined,
          failureLimit: o.failureLimit as string | undefined,
          trafficTimeout: o.trafficTimeout as string | undefined,
          url: o.url as string | undefined,
        };
        const api = await import('../../api/deploy.js');
        if (o.emit !== undefined) {
          const r = await api.deployEmit({ cwd: process.cwd(), model: arg, format: String(o.emit), flags, out: o.out as string | undefined, force: !!o.force, image: o.image as string | undefined });
          if (o.json) out.json({ ...r, yaml: r.out ? undefined : r.yaml });
          else if (r.out) out.line(`wrote ${r.documents.map((d) => `${d.kind} ${d.name}`).join(' + ')} to ${r.out}`);
          else out.line(r.yaml.trimEnd());
          return EXIT.OK;
        }
        const onEvent = (e: RolloutEvent) => (o.json ? out.err(eventLine(e)) : out.line(eventLine(e)));
        let r: DeployResult;
        if ((CONTROL as readonly string[]).includes(arg)) {
          const c = arg as Control;
          const common = { cwd: process.cwd(), target: flags.target, onEvent };
          r =
            c === 'status' ? await api.deployStatus(common)
            : c === 'pause' ? await api.deployPause(common)
            : c === 'resume' ? await api.deployResume(common)
            : c === 'abort' ? await api.deployAbort(common)
            : await api.deployPromote(common);
          if (o.json) out.json(r);
          else out.line(statusText(r));
          // status, pause and abort report; resume and promote end like a rollout
          return c === 'resume' || c === 'promote' ? verdictExit(r.verdict) : EXIT.OK;
        }
        r = await api.deploy({ cwd: process.cwd(), model: arg, flags, onEvent });
        if (o.json) out.json(r);
        else out.line(statusText(r));
        return verdictExit(r.verdict);
      }),
    );
}
