import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('a pull-request report: metrics, params and data changed against the base branch, validation, gate, lineage, plots')
    .option('--base <rev>', 'the base revision (default: main, else origin/main)')
    .option('--md', 'print the Markdown (the default output)')
    .option('--json', 'print the report data as JSON')
    .option('--summary <file>', 'append the report to this file (GitHub: "$GITHUB_STEP_SUMMARY"), within 1 MiB')
    .option('--comment', 'post the report on the pull request (GitHub) or merge request (GitLab), updating its earlier comment')
    .option('--dir <dir>', 'the report folder: report.md, report.json, plots/*.svg (default: cairn_report/)')
    .option('--candidate <path>', 'the model file whose lineage to show (default: the model output the gate judges)')
    .option('--no-svg', 'do not render SVG plots')
    .action(
      run(async (o) => {
        const { report } = await import('../../api/report.js');
        const r = await report({
          cwd: process.cwd(),
          base: o.base as string | undefined,
          dir: o.dir as string | undefined,
          summary: o.summary as string | undefined,
          comment: !!o.comment,
          candidate: o.candidate as string | undefined,
          svg: o.svg !== false,
        });
        if (o.json) out.json(r.data);
        else if (o.md || (!o.summary && !o.comment)) out.line(r.markdown.trimEnd());
        if (!o.json && !o.md && !o.quiet) {
          if (r.summary) out.err(`appended the report to ${r.summary.file} (${r.summary.bytes} bytes${r.summary.trimmed.length ? `, trimmed: ${r.summary.trimmed.join('; ')}` : ''})`);
          if (r.comment) out.err(`${r.comment.action} the report comment on ${r.comment.where}${r.comment.url ? `: ${r.comment.url}` : ''}`);
          out.err(`report folder: ${r.dir}`);
        } else if (r.comment && !o.quiet) out.err(`${r.comment.action} the report comment on ${r.comment.where}`);
        for (const t of r.trimmed) out.err(`note: report trimmed: ${t}`);
        return EXIT.OK;
      }),
    );
}
