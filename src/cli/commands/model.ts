import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { verdictExit } from '../outcome.js';
import { out } from '../output.js';

const fmt = (v: unknown): string => (v === undefined || v === null ? '-' : typeof v === 'number' ? String(Math.round(v * 1e6) / 1e6) : String(v));

export function register(program: Command): void {
  const m = program.command('model').description('the model registry: versions and aliases in git tags (GTO naming)');

  m.command('register')
    .description('register a pipeline output or tracked file as NAME@vX.Y.Z (an immutable record in an annotated tag)')
    .argument('<name>', 'model name (lowercase letters, digits, -)')
    .requiredOption('--path <path>', 'the model file or directory (a stage out or a tracked file at HEAD)')
    .option('--version <x.y.z>', 'the version (default: v1.0.0, then the next patch)')
    .option('--bump <part>', 'bump major, minor or patch of the latest version')
    .option('--gate-report <file>', 'a gate report JSON: its verdict, eval set and predictions are recorded')
    .option('--allow-dirty', 'register from a work tree with uncommitted changes (recorded)')
    .option('--json', 'print the record as JSON')
    .action(
      run(async (o, _c, [name]) => {
        const { modelRegister } = await import('../../api/model-register.js');
        const bump = o.bump as string | undefined;
        if (bump !== undefined && !['major', 'minor', 'patch'].includes(bump)) {
          const { CairnError } = await import('../../core/errors.js');
          throw new CairnError('CAIRN_USAGE', `--bump must be major, minor or patch, not '${bump}'`);
        }
        const r = await modelRegister({ cwd: process.cwd(), name: name as string, path: o.path as string, version: o.version as string | undefined, bump: bump as 'major' | undefined, gateReport: o.gateReport as string | undefined, allowDirty: !!o.allowDirty });
        if (o.json) out.json(r);
        else out.line(`Registered ${r.tag} (${r.record.path} ${r.record.id}) at ${r.record.commit.slice(0, 7)}${r.record.dirty ? ' from a dirty tree' : ''}${r.record.gate ? `, gate ${r.record.gate.verdict}` : ''}`);
        return EXIT.OK;
      }),
    );

  m.command('list')
    .description('list the models, their latest version and current aliases')
    .option('--json', 'print JSON')
    .option('--md', 'print a Markdown table')
    .action(
      run(async (o) => {
        const { modelList } = await import('../../api/model-list.js');
        const r = await modelList({ cwd: process.cwd() });
        for (const x of r) for (const p of x.problems) out.err(`warning: ${p.tag}: ${p.problems.join('; ')}`);
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        const { textTable, mdTable } = await import('../../metrics/render.js');
        const cells = r.map((x) => [x.name, fmt(x.latest), String(x.versions), Object.entries(x.aliases).map(([a, v]) => `${a}=${v}`).join(', ') || '-']);
        out.line(cells.length ? (o.md ? mdTable : textTable)(['Model', 'Latest', 'Versions', 'Aliases'], cells) : 'No models registered (`cairn model register NAME --path PATH`).');
        return EXIT.OK;
      }),
    );

  m.command('show')
    .description('show a version record: NAME (latest), NAME@vX.Y.Z or NAME@ALIAS')
    .argument('<target>', 'NAME, NAME@vX.Y.Z or NAME@ALIAS')
    .option('--json', 'print the record as JSON')
    .option('--md', 'print Markdown')
    .action(
      run(async (o, _c, [target]) => {
        const { modelShow } = await import('../../api/model-show.js');
        const r = await modelShow({ cwd: process.cwd(), target: target as string });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        const rows: string[][] = [
          ['version', `${r.name}@${r.version}${r.deprecated ? ' (deprecated)' : ''}`],
          ['aliases', r.aliases.join(', ') || '-'],
          ['path', `${r.path} (${r.hash} ${r.id}, ${r.size} bytes${r.nfiles !== undefined ? `, ${r.nfiles} files` : ''})`],
          ['commit', `${r.commit}${r.branch ? ` on ${r.branch}` : ''}${r.dirty ? ' (dirty tree)' : ''}`],
          ['registered', `${r.registered_at} by ${r.author}`],
          ['stage', r.stage ? `${r.stage}: ${(r.cmd ?? []).join(' && ')}` : '-'],
          ['run', fmt(r.run)],
          ['gate', r.gate ? `${r.gate.verdict} (report ${r.gate.report_id})` : '-'],
          ['eval set', r.eval_set ? `${r.eval_set.path} ${r.eval_set.id}` : '-'],
          ['predictions', r.predictions ? `${r.predictions.path} ${r.predictions.id}` : '-'],
          ...r.data.map((d) => ['data', `${d.path} ${d.id}${d.kind ? ` (${d.kind})` : ''}`]),
          ...Object.entries(r.params).map(([k, v]) => ['param', `${k} = ${fmt(v)}`]),
          ...Object.entries(r.metrics).map(([k, v]) => ['metric', `${k} = ${fmt(v)}`]),
        ];
        if (r.via?.forced) rows.push(['forced', `alias ${r.via.alias} forced: ${r.via.forced.reason} (${r.via.forced.violations.join('; ')})`]);
        if (o.md) {
          const { mdTable } = await import('../../metrics/render.js');
          out.line(mdTable(['Field', 'Value'], rows));
        } else for (const [k, v] of rows) out.line(`${(k ?? "").padEnd(12)} ${v}`);
        return EXIT.OK;
      }),
    );

  m.command('promote')
    .description('assign an alias to a version (tag NAME#ALIAS#N), under the alias policy in .cairn/config.yaml')
    .argument('<target>', 'NAME@vX.Y.Z')
    .argument('<alias>', 'alias, e.g. production')
    .option('--reason <text>', 'why (kept in the history)')
    .option('--force', 'override the policy (needs --reason; the override is recorded)')
    .option('--json', 'print the outcome as JSON')
    .action(
      run(async (o, _c, [target, alias]) => {
        const { modelPromote } = await import('../../api/model-promote.js');
        const r = await modelPromote({ cwd: process.cwd(), target: target as string, alias: alias as string, reason: o.reason as string | undefined, force: !!o.force });
        if (o.json) out.json(r);
        else if (r.verdict === 'fail') {
          out.err(`refused: ${r.name}@${r.version} may not become '${r.alias}':`);
          for (const v of r.violations) out.err(`  ${v}`);
          out.err(`hint: fix the version (or pass --force --reason TEXT to override; the override is recorded)`);
        } else if (r.unchanged) out.line(`${r.name}@${r.alias} already is ${r.version}`);
        else out.line(`${r.name}@${r.alias} is now ${r.version}${r.previous ? ` (was ${r.previous})` : ''} [${r.tag}]${r.forced ? ` FORCED over: ${r.violations.join('; ')}` : ''}`);
        return verdictExit(r.verdict);
      }),
    );

  m.command('history')
    .description('who held an alias when, with the reason (all aliases without ALIAS)')
    .argument('<name>', 'model name')
    .argument('[alias]', 'one alias')
    .option('--at <date>', 'only the assignments in force at this date')
    .option('--json', 'print JSON (a list of {version, from, to, reason}, oldest first)')
    .option('--md', 'print a Markdown table')
    .action(
      run(async (o, _c, [name, alias]) => {
        const { modelHistory } = await import('../../api/model-history.js');
        const r = await modelHistory({ cwd: process.cwd(), name: name as string, alias: alias as string | undefined, at: o.at as string | undefined });
        if (o.json) {
          out.json(r.rows);
          return EXIT.OK;
        }
        const { textTable, mdTable } = await import('../../metrics/render.js');
        const cells = r.rows.map((x) => [x.alias, x.version, x.from, x.to ?? '(now)', (x.reason ?? '-') + (x.forced ? ` [forced: ${x.forced.violations.join('; ')}]` : ''), x.by]);
        out.line(cells.length ? (o.md ? mdTable : textTable)(['Alias', 'Version', 'From', 'To', 'Reason', 'By'], cells) : `No alias of ${r.name} ${r.at ? `in force at ${r.at}` : 'assigned yet'}.`);
        if (!alias && !r.at) {
          const vcells = r.versions.map((v) => [v.version, v.registered_at, v.commit.slice(0, 7), v.deprecated ? `deprecated ${v.deprecated}` : '']);
          out.line('');
          out.line((o.md ? mdTable : textTable)(['Version', 'Registered', 'Commit', ''], vcells));
        }
        return EXIT.OK;
      }),
    );

  m.command('deprecate')
    .description('deprecate a version (GTO deregistration tag NAME@vX.Y.Z!#N)')
    .argument('<target>', 'NAME@vX.Y.Z')
    .option('--reason <text>', 'why')
    .option('--json', 'print JSON')
    .action(
      run(async (o, _c, [target]) => {
        const { modelDeprecate } = await import('../../api/model-deprecate.js');
        const r = await modelDeprecate({ cwd: process.cwd(), target: target as string, reason: o.reason as string | undefined });
        if (o.json) out.json(r);
        else out.line(r.already ? `${r.name}@${r.version} was already deprecated (${r.tag})` : `Deprecated ${r.name}@${r.version} [${r.tag}]`);
        return EXIT.OK;
      }),
    );

  m.command('get')
    .description("materialise a version's files into a folder, pulling from the remote if needed")
    .argument('<target>', 'NAME@ALIAS or NAME@vX.Y.Z')
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('-r, --remote <name>', 'cairn remote to pull from')
    .option('--json', 'print JSON')
    .action(
      run(async (o, _c, [target]) => {
        const { modelGet } = await import('../../api/model-get.js');
        const r = await modelGet({ cwd: process.cwd(), target: target as string, out: o.out as string, remote: o.remote as string | undefined });
        if (o.json) out.json(r);
        else out.line(`${r.name}@${r.version}: ${r.files.length} file(s) in ${o.out as string}${r.fetched ? ` (${r.fetched} pulled)` : ''}`);
        return EXIT.OK;
      }),
    );

  m.command('diff')
    .description('what changed between two versions: data ids, params, metrics')
    .argument('<a>', 'NAME@vX.Y.Z or NAME@ALIAS')
    .argument('<b>', 'NAME@vX.Y.Z or NAME@ALIAS')
    .option('--all', 'show unchanged rows too')
    .option('--json', 'print JSON')
    .option('--md', 'print Markdown')
    .action(
      run(async (o, _c, [a, b]) => {
        const { modelDiff } = await import('../../api/model-diff.js');
        const r = await modelDiff({ cwd: process.cwd(), a: a as string, b: b as string, all: !!o.all });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        const { textTable, mdTable } = await import('../../metrics/render.js');
        const cells = [
          ['model', r.model.path, r.model.a, r.model.b, r.model.change],
          ...r.data.map((d) => ['data', d.path, fmt(d.a), fmt(d.b), d.change]),
          ...r.params.map((p) => ['param', p.key, fmt(p.a), fmt(p.b), p.change]),
          ...r.metrics.map((x) => ['metric', x.key, fmt(x.a), fmt(x.b), x.delta === null ? x.change : `${x.delta >= 0 ? '+' : ''}${fmt(x.delta)}`]),
        ];
        out.line(`${r.a.name}@${r.a.version} (${r.a.commit.slice(0, 7)}) -> ${r.b.name}@${r.b.version} (${r.b.commit.slice(0, 7)})`);
        out.line((o.md ? mdTable : textTable)(['Kind', 'Key', 'A', 'B', 'Change'], cells));
        return EXIT.OK;
      }),
    );

  m.command('export')
    .description('register a version in an MLflow Model Registry (lineage as tags, aliases, files as artifacts)')
    .argument('<target>', 'NAME@vX.Y.Z or NAME@ALIAS')
    .requiredOption('--mlflow <uri>', 'MLflow tracking server URL, e.g. http://127.0.0.1:5000')
    .option('--experiment <name>', 'experiment for the run', 'cairn-registry')
    .option('-r, --remote <name>', 'cairn remote to pull the files from')
    .option('--json', 'print JSON')
    .action(
      run(async (o, _c, [target]) => {
        const { modelExport } = await import('../../api/model-export.js');
        const r = await modelExport({ cwd: process.cwd(), target: target as string, mlflow: o.mlflow as string, experiment: o.experiment as string, remote: o.remote as string | undefined });
        if (o.json) out.json(r);
        else out.line(`${r.name} version ${r.mlflow_version} in MLflow at ${r.uri} (run ${r.run_id}, ${r.artifacts.length} artifact(s)${r.aliases.length ? `, aliases ${r.aliases.join(', ')}` : ''})`);
        return EXIT.OK;
      }),
    );

  for (const verb of ['push', 'pull'] as const) {
    m.command(verb)
      .description(verb === 'push' ? 'push registry tags (git) and the files they name (cairn remote)' : 'fetch registry tags (git) and the files they name (cairn remote)')
      .argument('[names...]', 'models (default: all)')
      .option('--git-remote <name>', 'git remote for the tags', 'origin')
      .option('-r, --remote <name>', 'cairn remote for the data')
      .option('--no-data', 'tags only')
      .option('--json', 'print JSON')
      .action(
        run(async (o, _c, [names]) => {
          const common = { cwd: process.cwd(), names: names as string[], gitRemote: o.gitRemote as string, remote: o.remote as string | undefined, noData: o.data === false };
          if (verb === 'push') {
            const { modelPush } = await import('../../api/model-push.js');
            const r = await modelPush(common);
            if (o.json) out.json(r);
            else out.line(`${r.tags.length} registry tag(s) pushed to ${common.gitRemote} (${r.pushedTags} new)${r.data ? `; data: ${r.data.transferred} sent, ${r.data.skipped} already there` : ''}`);
          } else {
            const { modelPull } = await import('../../api/model-pull.js');
            const r = await modelPull(common);
            if (o.json) out.json(r);
            else out.line(`${r.after - r.before} new registry tag(s) from ${common.gitRemote}${r.data ? `; data: ${r.data.transferred} fetched` : ''}`);
          }
          return EXIT.OK;
        }),
      );
  }
}
