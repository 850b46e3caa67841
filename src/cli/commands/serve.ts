import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve a registered model over HTTP (/predict, /feedback, /healthz, /metrics, /admin/ for deploy) until SIGINT/SIGTERM')
    .argument('<target>', 'NAME@ALIAS or NAME@vX.Y.Z')
    .option('--predictor <module>', 'JavaScript predictor: a module exporting async load(modelDir) -> { predict(rows) }')
    .option('--predictor-cmd <command>', 'a long-running command speaking JSON Lines on stdin/stdout ({"rows": [...]} in, {"predictions": [...]} out)')
    .option('-p, --port <n>', 'port (default serve.port or 8080; 0 picks a free one)')
    .option('--host <address>', 'address to bind (default serve.host or 127.0.0.1)')
    .option('--log <file>', 'request log (default serve.log or .cairn/serve/requests.jsonl)')
    .option('-r, --remote <name>', 'cairn remote to pull the model files from when the cache lacks them')
    .option('--json', 'print the start line as JSON ({url, port, state, ...})')
    .action(
      run(async (o, _cmd, args) => {
        const { serve } = await import('../../api/serve.js');
        const h = await serve({
          cwd: process.cwd(),
          target: String(args[0]),
          predictor: o.predictor as string | undefined,
          predictorCmd: o.predictorCmd as string | undefined,
          port: o.port as string | undefined,
          host: o.host as string | undefined,
          log: o.log as string | undefined,
          remote: o.remote as string | undefined,
          onWarn: (m) => out.err(m),
        });
        const st = h.state();
        if (o.json) out.json({ url: h.url, port: h.port, host: h.host, log: h.files.log, state_file: h.files.state, state: st });
        else if (!o.quiet) out.line(`serving ${st.stable.name}@${st.stable.version} on ${h.url} (log ${h.files.log}; admin token in ${h.files.token})`);
        const signal = await new Promise<string>((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
        });
        await h.stop();
        if (!o.quiet && !o.json) out.err(`${signal}: stopped; ${h.logged()} request-log line(s) written`);
        return EXIT.OK;
      }),
    );
}
