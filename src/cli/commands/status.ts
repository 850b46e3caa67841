import type { Command } from 'commander';
import { run } from '../main.js';
import { out } from '../output.js';
import { changedExit } from '../outcome.js';
import type { CloudStatusResult, PipelineStatusResult } from '../../api/status.js';

const LABEL = {
  'up-to-date': 'up to date',
  modified: 'modified',
  deleted: 'deleted from workspace',
  'missing-from-cache': 'missing from cache',
} as const;

export function register(program: Command): void {
  program
    .command('status')
    .description('show tracked data that differs from its pointer file')
    .argument('[targets...]', 'tracked files or directories, or stages (default: all)')
    .option('--json', 'print the result as JSON')
    .option('--exit-code', 'exit with 1 when anything is not up to date')
    .option('-c, --cloud', 'compare the local cache with the remote instead')
    .option('-r, --remote <name>', 'with --cloud: the remote (default: core.remote)')
    .option('-j, --jobs <n>', 'with --cloud: requests in flight', (v) => Number(v))
    .option('--verify-remote', 'with --cloud: download and hash every object the remote has, so a corrupt copy is not "in sync"')
    .action(
      run(async (o, _cmd, [targets]) => {
        const { status } = await import('../../api/status.js');
        const r = await status({
          cwd: process.cwd(),
          targets: targets as string[],
          cloud: !!o.cloud,
          remote: o.remote as string | undefined,
          jobs: o.jobs as number | undefined,
          verifyRemote: !!o.verifyRemote,
        });
        // -q answers with the exit code alone, as `dvc status -q` and `git diff --quiet` do
        const code = changedExit(!r.clean, !!o.exitCode || !!o.quiet);
        if (o.json) {
          out.json(r);
          return code;
        }
        if (o.quiet) return code;
        if (r.cloud) {
          renderCloud(r.cloud);
          return code;
        }
        if (r.clean) {
          out.line(r.targets.length || r.pipeline ? 'Everything is up to date.' : 'Nothing is tracked yet (track data with `cairn add <path>`).');
          return code;
        }
        if (r.pipeline) renderPipeline(r.pipeline);
        for (const t of r.targets) {
          if (t.state === 'up-to-date' && !o.verbose) continue;
          const note = t.state === 'deleted' && !t.inCache ? ' (and missing from cache)' : '';
          out.line(`${t.path}: ${LABEL[t.state]}${note}`);
          if (t.changes) {
            for (const f of t.changes.added) out.line(`\tadded:    ${f}`);
            for (const f of t.changes.modified) out.line(`\tmodified: ${f}`);
            for (const f of t.changes.deleted) out.line(`\tdeleted:  ${f}`);
          }
        }
        const s = new Set(r.targets.map((t) => t.state));
        out.line('');
        if (s.has('modified')) out.line('Record changes with `cairn commit`, or discard them with `cairn checkout --force <target>`.');
        if (s.has('deleted')) out.line('Restore deleted data with `cairn checkout`.');
        if (s.has('missing-from-cache')) out.line('Get missing objects with `cairn fetch`, or re-record them with `cairn commit`.');
        if (r.pipeline?.changed.length) out.line('Bring changed stages up to date with `cairn repro`.');
        return code;
      }),
    );
}

function renderPipeline(p: PipelineStatusResult): void {
  for (const st of p.stages) {
    if (!st.changed) continue;
    const where = st.file === 'cairn.yaml' ? '' : ` (${st.file})`;
    out.line(`${st.id}${where}:${st.new ? ' never run' : ''}${st.frozen ? ' (frozen)' : ''}`);
    if (st.cmd && !st.new) out.line('\tchanged command');
    if (st.alwaysChanged) out.line('\talways changed');
    if (st.deps.length) out.line('\tchanged deps:');
    for (const d of st.deps) out.line(`\t\t${d.change}: ${d.path}`);
    if (st.params.length) out.line('\tchanged params:');
    for (const q of st.params) {
      const detail = q.change === 'modified' ? ` (${JSON.stringify(q.old)} -> ${JSON.stringify(q.new)})` : '';
      out.line(`\t\t${q.change}: ${q.file}: ${q.key}${detail}`);
    }
    if (st.outs.length) out.line('\tchanged outs:');
    for (const d of st.outs) out.line(`\t\t${d.change}: ${d.path}`);
  }
}

const CLOUD_LABEL = {
  'in-sync': 'in sync',
  'local-only': 'only local (push it)',
  'remote-only': 'only on the remote (pull it)',
  partial: 'partly local, partly remote',
  missing: 'missing everywhere',
  corrupt: 'corrupt on the remote (`cairn push` replaces it)',
} as const;

function renderCloud(c: CloudStatusResult): void {
  if (c.inSync) {
    out.line(`Everything is in sync with remote '${c.remote}' (${c.url})${c.verified ? ', every object verified' : ''}.`);
    return;
  }
  for (const t of c.targets) {
    if (t.status === 'in-sync') continue;
    const bad = t.corrupt ? `, ${t.corrupt} corrupt there` : '';
    out.line(`${t.path}: ${CLOUD_LABEL[t.status]} (${t.local}/${t.objects} local, ${t.remote}/${t.objects} on '${c.remote}'${bad})`);
  }
}
