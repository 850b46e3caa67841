// bench/startup: `cairn --version` vs `node -e 0` (best of 20 runs each).
import { best, CLI, report, time } from './lib.mjs';

const n = Number(process.env.BENCH_RUNS ?? 20);
const tNode = best(n, () => time(process.execPath, ['-e', '0']));
const tVersion = best(n, () => time(process.execPath, [CLI, '--version']));
report('startup (--version)', 'node -e 0', tNode, tVersion, 2.5);
const tHelp = best(n, () => time(process.execPath, [CLI, '--help']));
report('startup (--help, loads every command module)', 'node -e 0', tNode, tHelp);
