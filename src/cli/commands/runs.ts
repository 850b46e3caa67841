import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

const fmt = (v: unknown): string => (v === undefined || v === null ? '-' : typeof v === 'number' ? String(Math.round(v * 1e6) / 1e6) : String(v));

export function register(program: Command): void {
  const m = program.command('runs').description('training run records: every stage repro executed (.cairn/runs/)');
  m.command('list')
    .description('list run records, oldest first')
    .option('--stage <name>', 'only runs of this stage')
    .option('-n, --last <n>', 'only the last N runs', (v) => Number(v))
    .option('--json', 'print the records as JSON')
    .option('--md', 'print a Markdown table')
    .action(
      run(async (o) => {
        const { runsList } = await import('../../api/runs-list.js');
        const r = await runsList({ cwd: process.cwd(), stage: o.stage as string | undefined, last: o.last as number | undefined });
        for (const b of r.bad) out.err(`warning: ${b}: not a valid run record (skipped)`);
        if (o.json) {
          out.json(r.records);
          return EXIT.OK;
        }
        const { textTable, mdTable } = await import('../../metrics/render.js');
        const cells = r.records.map((x) => [x.id, x.stage, x.started, fmt(x.duration_s), x.status, x.commit ? x.commit.slice(0, 7) + (x.dirty ? '+' : '') : '-']);
        out.line(cells.length ? (o.md ? mdTable : textTable)(['Id', 'Stage', 'Started', 'Seconds', 'Status', 'Commit'], cells) : 'No run records yet (run `cairn repro`).');
        return EXIT.OK;
      }),
    );
  m.command('show')
    .description('show one run record')
    .argument('<id>', 'run id (or a unique prefix of at least 4 digits)')
    .option('--json', 'print the record as JSON')
    .action(
      run(async (o, _c, [id]) => {
        const { runsShow } = await import('../../api/runs-show.js');
        const r = await runsShow({ cwd: process.cwd(), id: id as string });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        out.line(`run ${r.id}: stage ${r.stage} (${r.file}), ${r.status}${r.exit_code ? ` (exit ${r.exit_code})` : ''}`);
        out.line(`started  ${r.started}, ${fmt(r.duration_s)} s`);
        out.line(`commit   ${r.commit ?? '-'}${r.dirty ? ' (dirty tree)' : ''}`);
        for (const c of r.cmd) out.line(`cmd      ${c}`);
        for (const d of r.deps) out.line(`dep      ${d.path} ${d.id}`);
        for (const d of r.outs) out.line(`out      ${d.path} ${d.id}`);
        for (const [k, v] of Object.entries(r.params)) out.line(`param    ${k} = ${fmt(v)}`);
        for (const [k, v] of Object.entries(r.metrics)) out.line(`metric   ${k} = ${fmt(v)}`);
        return EXIT.OK;
      }),
    );
  m.command('compare')
    .description('params, metrics and duration of two or more runs side by side')
    .argument('<ids...>', 'run ids (or unique prefixes)')
    .option('--all', 'show rows whose values are all equal too')
    .option('--json', 'print the comparison as JSON')
    .option('--md', 'print a Markdown table')
    .action(
      run(async (o, _c, [ids]) => {
        const { runsCompare } = await import('../../api/runs-compare.js');
        const r = await runsCompare({ cwd: process.cwd(), ids: ids as string[] });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        const { textTable, mdTable } = await import('../../metrics/render.js');
        const rows = r.rows.filter((x) => o.all || x.differs || x.kind === 'run');
        const cells = rows.map((x) => [x.kind, x.key, ...x.values.map(fmt)]);
        out.line((o.md ? mdTable : textTable)(['Kind', 'Key', ...r.runs.map((x) => `${x.id.slice(0, 8)} (${x.stage})`)], cells));
        return EXIT.OK;
      }),
    );
}
