// bench/startup: `cairn --version` vs `node -e 0` (best of 20 runs each), and `cairn --help`,
// which loads every command module. CPU time (user + system, mean of 20 runs) beside the wall
// time: on the shared machine the wall time swings with the load, the CPU time much less.
import { best, CLI, cpu, report, time } from './lib.mjs';

const n = Number(process.env.BENCH_RUNS ?? 20);
const ms = (s) => (s === null ? '-' : `${(s * 1000).toFixed(0)} ms`);
const tNode = best(n, () => time(process.execPath, ['-e', '0']));
const tVersion = best(n, () => time(process.execPath, [CLI, '--version']));
report('startup (--version)', 'node -e 0', tNode, tVersion, 2.5);
const tHelp = best(n, () => time(process.execPath, [CLI, '--help']));
report('startup (--help, loads every command module)', 'node -e 0', tNode, tHelp);
const cNode = cpu(n, process.execPath, ['-e', '0']);
const cVersion = cpu(n, process.execPath, [CLI, '--version']);
const cHelp = cpu(n, process.execPath, [CLI, '--help']);
console.log(`CPU: node -e 0 ${ms(cNode)} | cairn --version ${ms(cVersion)} | cairn --help ${ms(cHelp)}${cNode ? ` | ratio --version ${(cVersion / cNode).toFixed(2)}` : ''}`);
