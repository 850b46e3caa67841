// bench/serve: autocannon on loopback against (a) a bare fastify route that calls the same
// predictor (fixtures/serve/linear-predictor.mjs) and (b) `cairn serve` (router, sticky-id
// routing with a canary at BENCH_WEIGHT %, request log on with the default batching, metrics),
// in the same run, in back-to-back pairs (order alternating). Prints requests/s, P99 and the
// server's CPU time per request at a fixed rate (BENCH_RATE) and over one closed-loop connection
// of both, and the median over the pairs of the throughput ratio and of the P99 added. Goal: cairn >= 0.85 x bare throughput, P99 added <= 2 ms.
// BENCH_SECONDS=5 BENCH_ROUNDS=6 BENCH_CONNECTIONS=10 BENCH_WEIGHT=10 BENCH_ROWS=1
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, cairn, freshRepo, sh, sizeArg } from './lib.mjs';

const PREDICTOR = join(ROOT, 'fixtures', 'serve', 'linear-predictor.mjs');

if (process.argv[2] === '--bare') {
  // the peer: the same predictor behind one plain fastify route, nothing else
  const { default: Fastify } = await import('fastify');
  const { load } = await import(PREDICTOR);
  const p = await load(process.argv[3]);
  const app = Fastify({ logger: false });
  app.post('/predict', async (req) => {
    const b = req.body;
    const rows = Array.isArray(b.rows) ? b.rows : [b];
    return { predictions: await p.predict(rows) };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${app.server.address().port}` }) + '\n');
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
} else {
  const seconds = sizeArg('BENCH_SECONDS', 5);
  const rounds = sizeArg('BENCH_ROUNDS', 6);
  const connections = sizeArg('BENCH_CONNECTIONS', 10);
  const weight = sizeArg('BENCH_WEIGHT', 10);
  const nrows = sizeArg('BENCH_ROWS', 1);
  const rate = sizeArg('BENCH_RATE', 4000);
  const { default: autocannon } = await import('autocannon');

  const base = process.env.BENCH_DIR ?? '/tmp/cairn-bench/serve';
  const repo = freshRepo(join(base, 'repo'));
  for (const [v, w] of [['1.0.0', { x1: 1, x2: -1 }], ['2.0.0', { x1: -1, x2: 1 }]]) {
    writeFileSync(join(repo, 'model.json'), JSON.stringify({ weights: w, bias: 0 }));
    cairn(repo, 'add', '-q', 'model.json');
    sh(repo, 'git', ['add', '-A']);
    sh(repo, 'git', ['commit', '-qm', `model ${v}`]);
    cairn(repo, 'model', 'register', 'clf', '--path', 'model.json', '--version', v);
  }
  const modelDir = join(base, 'bare-model');
  rmSync(modelDir, { recursive: true, force: true });
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(join(modelDir, 'model.json'), JSON.stringify({ weights: { x1: 1, x2: -1 }, bias: 0 }));

  const startChild = (args, cwd) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CAIRN_NO_PROGRESS: '1' } });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        try {
          resolve({ child, info: JSON.parse(out) });
        } catch {
          // not whole yet
        }
      });
      child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
    });
  // the server's CPU time, all its threads (GC helpers included), in ns from Linux's
  // /proc/PID/task/*/schedstat (the 10 ms clock ticks of /proc/PID/stat if that is missing):
  // CPU per request is what throughput comes down to when the server is CPU bound, and it is
  // far less disturbed than req/s by other load on a shared machine
  const cpuSeconds = (pid) => {
    try {
      let ns = 0;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
          ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        } catch {
          // the thread ended
        }
      }
      if (ns > 0) return ns / 1e9;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      return NaN;
    }
  };
  const stop = (child) => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM'))));

  const body = JSON.stringify({ rows: Array.from({ length: nrows }, (_, i) => ({ x1: i + 2, x2: 1 })) });
  const load = (url, overallRate, conns = connections) =>
    new Promise((resolve, reject) => {
      autocannon({ url: `${url}/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: conns, duration: seconds, ...(overallRate ? { overallRate } : {}) }, (err, r) => (err ? reject(err) : resolve(r)));
    });

  const results = { bare: [], cairn: [] };
  let logFile;
  for (let round = 0; round < rounds; round++) {
    // alternate the order so that a load change on the shared machine does not favour one side
    for (const kind of round % 2 ? ['cairn', 'bare'] : ['bare', 'cairn']) {
      let s;
      if (kind === 'bare') s = await startChild([new URL(import.meta.url).pathname, '--bare', modelDir], ROOT);
      else {
        s = await startChild([CLI, 'serve', 'clf@v1.0.0', '--predictor', PREDICTOR, '--port', '0', '--json'], repo);
        logFile = s.info.log;
        if (weight > 0) {
          const token = readFileSync(join(repo, '.cairn', 'serve', 'token'), 'utf8').trim();
          const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
          await fetch(`${s.info.url}/admin/canary`, { method: 'PUT', headers: auth, body: JSON.stringify({ name: 'clf', version: 'v2.0.0' }) });
          await fetch(`${s.info.url}/admin/weight`, { method: 'PUT', headers: auth, body: JSON.stringify({ weight }) });
        }
      }
      // warm up the JIT, then measure
      await new Promise((resolve) => autocannon({ url: `${s.info.url}/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: 2 }, resolve));
      const r = await load(s.info.url);
      // CPU per request at one fixed rate for both sides (at saturation it depends on how many
      // requests each wake-up finds, i.e. on the throughput reached)
      const cpu0 = cpuSeconds(s.child.pid);
      const f = await load(s.info.url, rate);
      const cpu = cpuSeconds(s.child.pid) - cpu0;
      // and one connection, closed loop: one request per wake-up of the server whatever the
      // machine's load, the steadiest CPU-per-request figure on a shared machine
      const cpu1 = cpuSeconds(s.child.pid);
      const one = await load(s.info.url, 0, 1);
      const cpuOne = cpuSeconds(s.child.pid) - cpu1;
      await stop(s.child);
      const row = { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, errors: r.errors + r.non2xx + f.errors + f.non2xx + one.errors + one.non2xx, total: r.requests.total, cpuUs: (cpu / f.requests.total) * 1e6, fixedP99: f.latency.p99, oneUs: (cpuOne / one.requests.total) * 1e6 };
      results[kind][round] = row;
      console.log(`round ${round + 1} ${kind.padEnd(5)}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.errors} errors; at ${rate} req/s: p99 ${row.fixedP99} ms, server CPU ${row.cpuUs.toFixed(1)} µs/request; 1 connection: ${row.oneUs.toFixed(1)} µs/request`);
    }
  }
  const bestOf = (xs) => xs.reduce((a, b) => (b.rps > a.rps ? b : a));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const b = bestOf(results.bare);
  const c = bestOf(results.cairn);
  // per round (both sides measured back to back): throughput ratio, P99 added, CPU ratio
  const perRound = results.bare.map((x, i) => ({ ratio: results.cairn[i].rps / x.rps, added: results.cairn[i].p99 - x.p99 }));
  const ratio = median(perRound.map((r) => r.ratio));
  const added = median(perRound.map((r) => r.added));
  const cpuRatio = median(results.bare.map((x) => x.cpuUs)) / median(results.cairn.map((x) => x.cpuUs));
  console.log(`\nconnections ${connections}, ${seconds} s per round, ${rounds} rounds, canary weight ${weight}%, ${nrows} row(s) per request`);
  console.log(`bare fastify + predictor (best round): ${b.rps.toFixed(0)} req/s, p99 ${b.p99} ms, server CPU ${b.cpuUs.toFixed(1)} µs/request`);
  console.log(`cairn serve, router + log (best round): ${c.rps.toFixed(0)} req/s, p99 ${c.p99} ms, server CPU ${c.cpuUs.toFixed(1)} µs/request (log ${logFile}: ${(statSync(logFile).size / 1e6).toFixed(1)} MB)`);
  console.log(`per-round ratios cairn/bare: ${perRound.map((r) => r.ratio.toFixed(3)).join(' ')}`);
  console.log(`at ${rate} req/s: median server CPU bare ${median(results.bare.map((x) => x.cpuUs)).toFixed(1)} µs vs cairn ${median(results.cairn.map((x) => x.cpuUs)).toFixed(1)} µs per request: ratio bare/cairn ${cpuRatio.toFixed(3)} (the CPU-bound throughput overhead, ${((1 - cpuRatio) * 100).toFixed(1)}%); median p99 bare ${median(results.bare.map((x) => x.fixedP99))} ms, cairn ${median(results.cairn.map((x) => x.fixedP99))} ms`);
  const oneB = median(results.bare.map((x) => x.oneUs));
  const oneC = median(results.cairn.map((x) => x.oneUs));
  console.log(`1 connection, closed loop: median server CPU bare ${oneB.toFixed(1)} µs vs cairn ${oneC.toFixed(1)} µs per request (+${(oneC - oneB).toFixed(1)} µs): ratio bare/cairn ${(oneB / oneC).toFixed(3)} (overhead ${((1 - oneB / oneC) * 100).toFixed(1)}%)`);
  console.log(`median throughput ratio cairn/bare ${ratio.toFixed(3)} (overhead ${((1 - ratio) * 100).toFixed(1)}%, goal <= 15%${ratio >= 0.85 ? ', met' : ', NOT met'}); median p99 added ${added.toFixed(2)} ms (goal <= 2 ms${added <= 2 ? ', met' : ', NOT met'})`);
}
