// The CLI entry: parse flags, lazily load the one command module that runs, map errors to
// exit codes. The only module that decides the exit code and the only one that sets the
// process's (start(), called by bin/cairn.js); nothing in cairn calls process.exit.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { EXIT, type ExitCode } from '../core/errors.js';
import { maskText } from '../core/secrets.js';
import { out, reportError, type GlobalFlags } from './output.js';

/**
 * Every module in ./commands/ exports register(program) and is named for the top-level
 * command it registers (commands/add.ts registers `cairn add`, commands/model.ts the `model`
 * group), so adding a command is adding a file. Command modules import their api lazily.
 */
function commandModules(): string[] {
  return readdirSync(new URL('./commands/', import.meta.url))
    .filter((f) => f.endsWith('.js'))
    .sort();
}

/**
 * The modules to load for this argv: only the named command's when argv names one (start-up
 * then parses one small module, not all of them: see docs/benchmarks.md, start-up), every
 * one for `--help`, `help`, no command or a mistyped one (so help and suggestions are complete).
 */
export function modulesFor(argv: string[], all: string[]): string[] {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const file = name === undefined ? undefined : `${name}.js`;
  return file !== undefined && all.includes(file) ? [file] : all;
}

/** Register every command not registered yet (for help, completion scripts and the docs). */
export async function registerAll(program: Command): Promise<void> {
  const have = new Set(program.commands.map((c) => `${c.name()}.js`));
  for (const file of commandModules()) if (!have.has(file)) await registerModule(program, file);
}

async function registerModule(program: Command, file: string): Promise<void> {
  const mod = (await import(`./commands/${file}`)) as { register(p: Command): void };
  mod.register(program);
}

/**
 * A usage error (missing argument, unknown option) prints the usage of the command it
 * happened in, as git does, with where to read more.
 */
function usageAfterErrors(cmd: Command): void {
  for (const sub of cmd.commands) {
    const path: string[] = [];
    for (let c: Command | null = sub; c; c = c.parent) path.unshift(c.name());
    sub.showHelpAfterError(`usage: ${path.join(' ')} ${sub.usage()}\n(run '${path.join(' ')} --help' for every option)`);
    usageAfterErrors(sub);
  }
}

export type Action = (...args: unknown[]) => Promise<void>;

/** Exit code of the running action; set by run() below. */
let exitCode: number = EXIT.OK;

/**
 * Wrap a command's body: it returns an exit code or throws; errors are rendered here.
 * Global flags (-q, -v, --json) come from the command's own options merged with the program's.
 */
export function run(body: (opts: Record<string, unknown>, cmd: Command, args: unknown[]) => Promise<ExitCode>): Action {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.optsWithGlobals() as Record<string, unknown>;
    const t0 = performance.now();
    try {
      exitCode = await body(opts, cmd, args.slice(0, -2));
    } catch (e) {
      exitCode = reportError(e, opts as GlobalFlags);
    }
    // -v on every command: how long it took (start-up excluded: process.uptime() includes it)
    if (opts.verbose) {
      const path: string[] = [];
      for (let c: Command | null = cmd; c; c = c.parent) path.unshift(c.name());
      out.err(`${path.join(' ')}: ${((performance.now() - t0) / 1000).toFixed(3)} s (${process.uptime().toFixed(3)} s since start-up), exit ${exitCode}`);
    }
  };
}

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

/** set when a reader closed our output pipe: the run then ends with 0, as git's does */
let pipeClosed = false;

/**
 * A reader that went away (`cairn status | head -1`) closes the pipe: stop quietly, as git
 * does, instead of dying on an unhandled EPIPE. Later writes go nowhere; the exit code is 0
 * (set in start(), without process.exit, like every other exit).
 */
function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || (pipeClosed && e.code === 'ERR_STREAM_DESTROYED')) {
        pipeClosed = true;
        process.exitCode = EXIT.OK;
        return;
      }
      throw e;
    });
  }
}

export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  // fast path: nothing to load for the version
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
    process.stdout.write(version() + '\n');
    return EXIT.OK;
  }
  const program = new Command('cairn').description('Version data and models, run ML pipelines as CI/CD');
  // only before a subcommand: `cairn model register --version 1.2.0` is the subcommand's option
  if (!argv[2] || argv[2].startsWith('-')) program.version(version(), '-V, --version');
  program
    .option('-q, --quiet', 'print only errors')
    .option('-v, --verbose', 'print more detail (stack traces on errors)')
    .showSuggestionAfterError()
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(maskText(s)) });
  for (const file of modulesFor(argv, commandModules())) await registerModule(program, file);
  usageAfterErrors(program);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // `--help` is a request (0); help shown because no (sub)command was given is a usage error (2), as in git
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.OK;
      if (e.code === 'commander.help') return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return EXIT.USAGE;
    }
    return reportError(e, {});
  }
  return exitCode;
}

/** The process entry: run the CLI and set the process's exit code (never process.exit, so output drains). */
export function start(argv: string[] = process.argv): void {
  main(argv).then(
    (code) => {
      process.exitCode = pipeClosed ? EXIT.OK : code;
    },
    (e: unknown) => {
      process.exitCode = reportError(e, {});
    },
  );
}
