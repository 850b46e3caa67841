import type { Command } from 'commander';
import { CairnError, EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';
import { verdictExit } from '../outcome.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check a table (CSV, TSV, JSON, JSON Lines, Parquet, or a folder of them) against a schema; every violation in one run')
    .argument('<data>', 'a file, a folder, or a tracked target (path with a .cairn pointer)')
    .option('-s, --schema <file>', 'the schema (YAML, see docs/validation.md)')
    .option('--infer', 'print a proposed schema the data passes, instead of validating')
    .option('--rev <rev>', 'validate the data as of a git revision (the workspace is not touched)')
    .option('--format <format>', 'table format: csv, tsv, json, jsonl, parquet (default: by extension)')
    .option('--json', 'print the report as JSON')
    .option('--md', 'print the report as Markdown (for a pull request)')
    .option('--junit <file>', 'also write a JUnit XML report (one test case per check)')
    .option('-o, --out <file>', 'also write the JSON report to a file')
    .option('--max-examples <n>', 'keep at most N failing rows per check in --json/--out (text shows 5)')
    .action(
      run(async (o, _c, [data]) => {
        const { assertFormat } = await import('../../io/tables/index.js');
        const format = o.format === undefined ? undefined : assertFormat(String(o.format));
        let maxExamples: number | undefined;
        if (o.maxExamples !== undefined) {
          maxExamples = Number(o.maxExamples);
          if (!Number.isInteger(maxExamples) || maxExamples < 0) throw new CairnError('CAIRN_USAGE', `--max-examples must be a whole number >= 0, got '${String(o.maxExamples)}'`);
        }
        if (o.infer) {
          const { inferSchema } = await import('../../api/validate.js');
          const r = await inferSchema({ cwd: process.cwd(), data: data as string, rev: o.rev as string | undefined, format });
          if (o.json) out.json(r);
          else process.stdout.write(r.schema);
          return EXIT.OK;
        }
        if (!o.schema) throw new CairnError('CAIRN_USAGE', 'cairn validate needs --schema FILE', { hint: 'write one with `cairn validate DATA --infer > schema.yaml`, then edit it' });
        const { validate } = await import('../../api/validate.js');
        const r = await validate({ cwd: process.cwd(), data: data as string, schema: o.schema as string, rev: o.rev as string | undefined, format, maxExamples });
        const { validationText, validationMarkdown, validationJunit } = await import('../../render/validate-report.js');
        const { writeFileAtomic } = await import('../../io/atomic.js');
        const { mkdirSync } = await import('node:fs');
        const { dirname, resolve } = await import('node:path');
        const write = (file: string, text: string): void => {
          const abs = resolve(process.cwd(), file);
          mkdirSync(dirname(abs), { recursive: true });
          writeFileAtomic(abs, text);
        };
        if (o.out) write(o.out as string, JSON.stringify(r, null, 2) + '\n');
        if (o.junit) write(o.junit as string, validationJunit(r));
        if (o.json) out.json(r);
        else if (o.md) out.line(validationMarkdown(r));
        else if (!o.quiet || r.verdict !== 'pass') out.line(validationText(r));
        return verdictExit(r.verdict);
      }),
    );
}
