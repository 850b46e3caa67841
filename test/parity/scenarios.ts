// The parity scenarios: each is written once; harness.ts runs it with DVC and with cairn.
// Tokens: %P pointer suffix, %Y pipeline file, %L lock file, %D metadata folder.
// `differs` marks a difference on purpose (listed in docs/dvc.md); pending.ts lists the
// scenarios where cairn still differs by a bug, with the issue bullet that fixes it.
import {
  add, checkout, commit, exit, files, saying, gc, gitCommit, metricsDiff, objects, paramsDiff, pipeline, probe, remote, remove, repro, sh, status, write,
  type Scenario,
} from './harness.js';

// the differences on purpose, each in docs/dvc.md
const EXEC = 'cairn restores the executable bit recorded for a file inside a tracked folder; DVC 3.67 checks the file out without it';
const IGNORE = 'a failed repro keeps the .gitignore entries of the stages that finished before the failure; DVC writes none, leaving their cached outs one `git add -A` away from git';
const UNCACHED = 'cairn keeps `cache: false` outs in the local cache too, so the run-cache restores them; DVC runs the stage again';
const PULL = 'pull checks nothing out when an object failed to arrive (the workspace stays as it was); DVC checks out what arrived';
const KEEP = 'checkout leaves a file whose new object is missing from the cache as it is (exit 1, naming `cairn fetch`); DVC deletes it';
const UNTRACKED = 'checkout keeps a file it does not track inside a tracked folder (exit 0, with a warning; --force removes it); DVC refuses the checkout until --force';
const PARAMS = 'params diff compares the params the stages track; DVC also lists every other key of params.yaml';

const chain = `stages:
  a:
    cmd: cp in.txt a.txt
    deps: [in.txt]
    outs: [a.txt]
  b:
    cmd: cp a.txt b.txt
    deps: [a.txt]
    outs: [b.txt]
  c:
    cmd: cp b.txt c.txt
    deps: [b.txt]
    outs: [c.txt]
`;

const trainYaml = `stages:
  train:
    cmd: echo "lr=\${train.lr}" > model.txt
    deps: [in.txt]
    params: [train.lr]
    outs: [model.txt]
`;

export const scenarios: Scenario[] = [
  // ---------------------------------------------------------------- add / status
  { name: 'add a file, status clean', area: 'add', steps: [write({ 'a.txt': 'hello\n' }), add('a.txt'), status(), objects()] },
  { name: 'add a folder, status clean', area: 'add', steps: [write({ 'data/x.txt': 'x\n', 'data/sub/y.txt': 'y\n' }), add('data'), status(), objects()] },
  { name: 'add a missing path fails', area: 'add', steps: [add('nope.txt'), status()] },
  { name: 'status of a modified file', area: 'status', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), write({ 'a.txt': 'v2\n' }), status(), status('a.txt%P')] },
  { name: 'status of a modified folder', area: 'status', steps: [write({ 'data/x.txt': 'x\n' }), add('data'), write({ 'data/new.txt': 'n\n' }), status()] },
  { name: 'status of a deleted file', area: 'status', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), sh('rm a.txt'), status()] },
  { name: 'status of data missing from the cache', area: 'status', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), sh('chmod -R u+w %D/cache && rm -rf %D/cache'), status()] },
  { name: 'add through a symlink tracks a regular file', area: 'add', steps: [write({ 'real.txt': 'r\n' }), sh('ln -s real.txt link.txt'), add('link.txt'), files()] },
  { name: 'add refuses a folder that is a symlink', area: 'add', steps: [write({ 'real/a.txt': 'r\n' }), sh('ln -s real link'), add('link'), files()] },
  { name: 'add refuses a pipeline output', area: 'add', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro('a'), add('a.txt')] },
  { name: 'add refuses a target whose pointer is git-ignored', area: 'add', steps: [write({ '.gitignore': '*%P\n', 'a.txt': 'a\n' }), add('a.txt')] },
  { name: 'add keeps the executable bit of a file', area: 'add', steps: [write({ 'run.sh': '#!/bin/sh\necho hi\n' }, ['run.sh']), add('run.sh'), sh('rm run.sh'), checkout(), files()] },
  { name: 'add keeps the executable bit inside a folder', area: 'add', steps: [write({ 'bin/run.sh': '#!/bin/sh\n', 'bin/x.txt': 'x\n' }, ['bin/run.sh']), add('bin'), sh('rm -rf bin'), checkout(), files()] , differs: [{ at: 4, field: 'files', reason: EXEC }, { at: 'end', field: 'files', reason: EXEC }] },
  { name: 'add keeps desc and meta of an existing pointer', area: 'add', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), sh(`awk '{print} /path: a.txt/ {i=index($0,"path"); s=""; for (k=1; k<i; k++) s=s " "; print s "desc: my data"}' a.txt%P > p.tmp && mv p.tmp a.txt%P`), write({ 'a.txt': 'v2\n' }), add('a.txt'), probe('grep -c "desc: my data" a.txt%P')] },
  // ---------------------------------------------------------------- checkout
  { name: 'checkout restores a deleted folder', area: 'checkout', steps: [write({ 'data/x.txt': 'x\n', 'data/y/z.txt': 'z\n' }), add('data'), sh('rm -rf data'), checkout(), files()] },
  { name: 'checkout after git checkout of an older version', area: 'checkout', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), gitCommit('v1'), write({ 'a.txt': 'v2\n' }), add('a.txt'), gitCommit('v2'), sh('git checkout -q HEAD~1'), checkout(), files(), status()] },
  { name: 'checkout of a folder version removes files it added', area: 'checkout', steps: [write({ 'data/x.txt': 'x\n' }), add('data'), gitCommit('v1'), write({ 'data/y.txt': 'y\n' }), add('data'), gitCommit('v2'), sh('git checkout -q HEAD~1'), checkout(), files()] },
  { name: 'checkout --force discards an edit', area: 'checkout', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), write({ 'a.txt': 'edited\n' }), exit('checkout', '--force'), files(), status()] },
  { name: 'checkout of one file inside a folder', area: 'checkout', steps: [write({ 'data/a.txt': 'a\n', 'data/b.txt': 'b\n' }), add('data'), sh('rm data/a.txt data/b.txt'), checkout('data/a.txt'), files()] },
  { name: 'checkout recreates a tracked empty folder', area: 'checkout', steps: [sh('mkdir empty'), add('empty'), sh('rm -rf empty'), checkout(), files()] },
  { name: 'checkout removes data whose pointer git took away', area: 'checkout', steps: [sh('git checkout -q -b feature'), write({ 'a.txt': 'a\n' }), add('a.txt'), gitCommit('a'), sh('git checkout -q main'), checkout(), files()] },
  { name: 'checkout keeps an untracked file inside a tracked folder, and says so', area: 'checkout', steps: [write({ 'data/a.txt': 'a\n' }), add('data'), write({ 'data/untracked.txt': 'u\n' }), saying(/untracked|unsaved/i, 'checkout', 'data'), files(), exit('checkout', '--force', 'data'), files()], differs: [{ at: 3, field: 'exit', reason: UNTRACKED }] },
  { name: 'checkout of a stage that never ran fails', area: 'checkout', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), checkout('a'), files()] },
  // ---------------------------------------------------------------- commit / remove
  { name: 'commit records an edit', area: 'commit', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), write({ 'a.txt': 'v2\n' }), commit('a.txt'), status(), objects()] },
  { name: 'commit of all targets', area: 'commit', steps: [write({ 'a.txt': 'v1\n', 'data/x': 'x\n' }), add('a.txt'), add('data'), write({ 'a.txt': 'v2\n', 'data/y': 'y\n' }), commit(), status(), objects()] },
  { name: 'commit of a stage writes its lock', area: 'commit', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), sh('cp in.txt a.txt'), commit('a'), status('a'), probe('test -f %L && echo lock')] },
  { name: 'remove keeps the data, stops tracking', area: 'remove', steps: [write({ 'a.txt': 'v1\n', 'b.txt': 'b\n' }), add('a.txt'), add('b.txt'), remove('a.txt%P'), files(), status()] },
  { name: 'remove deletes a .gitignore it left empty', area: 'remove', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), remove('a.txt%P'), files()] },
  // ---------------------------------------------------------------- repro: the rerun rules
  { name: 'repro runs a chain once', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), repro(), status(), files()] },
  { name: 'repro after a changed dep', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), write({ 'in.txt': 'j\n' }), status(), repro(), files()] },
  { name: 'repro stops where a dep came out the same', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain.replace('cmd: cp a.txt b.txt', 'cmd: head -c 1 a.txt > b.txt')), repro(), write({ 'in.txt': 'ij\n' }), repro(), files()] },
  { name: 'repro after a changed param', area: 'repro', steps: [write({ 'in.txt': 'i\n', 'params.yaml': 'train:\n  lr: 0.1\n  other: 1\n' }), pipeline(trainYaml), repro(), write({ 'params.yaml': 'train:\n  lr: 0.2\n  other: 1\n' }), status(), repro(), files()] },
  { name: 'repro ignores an untracked param', area: 'repro', steps: [write({ 'in.txt': 'i\n', 'params.yaml': 'train:\n  lr: 0.1\n  other: 1\n' }), pipeline(trainYaml), repro(), write({ 'params.yaml': 'train:\n  lr: 0.1\n  other: 2\n' }), status(), repro()] },
  { name: 'repro after a changed cmd', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), pipeline(chain.replace('cp b.txt c.txt', 'cat b.txt b.txt > c.txt')), status(), repro(), files()] },
  { name: 'repro after a missing out restores it from the run-cache', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), sh('rm c.txt'), status(), repro(), files()] },
  { name: 'repro after a modified out', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), sh('echo tampered > c.txt'), status(), repro(), files()] },
  { name: 'repro leaves a frozen stage alone', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), pipeline(chain.replace('  b:\n', '  b:\n    frozen: true\n')), write({ 'in.txt': 'j\n' }), status(), repro(), files()] },
  { name: 'repro runs an always_changed stage every time', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain.replace('  a:\n', '  a:\n    always_changed: true\n')), repro(), status(), repro()] },
  { name: 'repro runs a stage with no deps every time', area: 'repro', steps: [pipeline('stages:\n  tick:\n    cmd: echo run >> ../runs.log && echo t > tick.txt\n    outs: [tick.txt]\n'), repro(), status(), repro(), sh('rm tick.txt'), repro(), probe('wc -l < ../runs.log')] },
  { name: 'repro --force runs everything', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), repro('--force')] },
  { name: 'repro of a target brings its upstream', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro('b'), files()] },
  { name: 'repro --single-item runs only the target', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), write({ 'in.txt': 'j\n' }), repro('--single-item', 'b'), files()] },
  { name: 'repro --downstream runs the target and below', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), write({ 'in.txt': 'j\n' }), repro('--downstream', 'b'), files()] },
  { name: 'repro of a failing stage', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain.replace('cp a.txt b.txt', 'exit 3')), repro(), status(), files()] , differs: [{ at: 4, field: 'files', reason: IGNORE }, { at: 'end', field: 'files', reason: IGNORE }] },
  { name: 'repro of a stage that does not write its out', area: 'repro', steps: [pipeline('stages:\n  x:\n    cmd: "true"\n    outs: [x.txt]\n'), repro(), files()] },
  { name: 'repro of a stage with a tracked data dep updates the pointer', area: 'repro', steps: [write({ 'raw.txt': 'r1\n' }), add('raw.txt'), pipeline('stages:\n  p:\n    cmd: cp raw.txt p.txt\n    deps: [raw.txt]\n    outs: [p.txt]\n'), repro(), write({ 'raw.txt': 'r2\n' }), repro(), status(), files()] },
  { name: 'repro after a file is added to an output folder', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline('stages:\n  d:\n    cmd: mkdir -p out && cp in.txt out/a.txt\n    deps: [in.txt]\n    outs: [out]\n'), repro(), write({ 'out/extra.txt': 'e\n' }), repro(), status(), files()] },
  { name: 'repro with persist keeps the out', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline('stages:\n  log:\n    cmd: cat in.txt >> log.txt\n    deps: [in.txt]\n    outs:\n      - log.txt:\n          persist: true\n'), repro(), write({ 'in.txt': 'j\n' }), repro(), files()] },
  { name: 'repro of a cache: false out', area: 'repro', steps: [write({ 'in.txt': 'i\n' }), pipeline('stages:\n  m:\n    cmd: cp in.txt m.json\n    deps: [in.txt]\n    outs:\n      - m.json:\n          cache: false\n'), repro(), sh('rm m.json'), status(), repro(), files()] , differs: [{ at: 5, field: 'ran', reason: UNCACHED }, { at: 5, field: 'restored', reason: UNCACHED }] },
  { name: 'repro with wdir', area: 'repro', steps: [write({ 'sub/in.txt': 'i\n' }), pipeline('stages:\n  w:\n    wdir: sub\n    cmd: cp in.txt out.txt\n    deps: [in.txt]\n    outs: [out.txt]\n'), repro(), repro(), files()] },
  { name: 'status of a pipeline that never ran', area: 'status', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), status()] },
  { name: 'status of a whole-file params dep that is missing', area: 'status', steps: [write({ 'in.txt': 'i\n', 'cfg.yaml': 'a: 1\n' }), pipeline('stages:\n  s:\n    cmd: cp in.txt s.txt\n    deps: [in.txt]\n    params:\n      - cfg.yaml:\n    outs: [s.txt]\n'), repro(), sh('rm cfg.yaml'), status()] },
  // ---------------------------------------------------------------- run-cache
  { name: 'run-cache restores an earlier param value', area: 'run-cache', steps: [write({ 'in.txt': 'i\n', 'params.yaml': 'train:\n  lr: 0.1\n' }), pipeline(trainYaml), repro(), write({ 'params.yaml': 'train:\n  lr: 0.2\n' }), repro(), write({ 'params.yaml': 'train:\n  lr: 0.1\n' }), repro(), files()] },
  { name: 'run-cache restores after the lock and outs are gone', area: 'run-cache', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), sh('rm -f %L a.txt b.txt c.txt'), repro(), files()] },
  { name: 'repro --no-run-cache runs again', area: 'run-cache', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), sh('rm -f %L a.txt b.txt c.txt'), repro('--no-run-cache'), files()] },
  { name: 'run-cache is not used for always_changed', area: 'run-cache', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain.replace('  c:\n', '  c:\n    always_changed: true\n')), repro(), sh('rm -f %L c.txt'), repro()] },
  // ---------------------------------------------------------------- remotes
  { name: 'push, then pull into an empty cache', area: 'remote', steps: [sh('mkdir ../remote'), remote(), write({ 'a.txt': 'a\n', 'data/x': 'x\n' }), add('a.txt'), add('data'), exit('push'), sh('chmod -R u+w %D/cache && rm -rf %D/cache a.txt data'), exit('pull'), files(), status(), objects()] },
  { name: 'fetch fills the cache only', area: 'remote', steps: [sh('mkdir ../remote'), remote(), write({ 'a.txt': 'a\n' }), add('a.txt'), exit('push'), sh('chmod -R u+w %D/cache && rm -rf %D/cache a.txt'), exit('fetch'), files(), objects(), checkout(), files()] },
  { name: 'pull of pipeline outputs', area: 'remote', steps: [sh('mkdir ../remote'), remote(), write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), exit('push'), sh('chmod -R u+w %D/cache && rm -rf %D/cache a.txt b.txt c.txt'), exit('pull'), files(), status()] },
  { name: 'pull of an object never pushed fails', area: 'remote', steps: [sh('mkdir ../remote'), remote(), write({ 'a.txt': 'a\n' }), add('a.txt'), sh('chmod -R u+w %D/cache && rm -rf %D/cache a.txt'), exit('pull'), files()] },
  { name: 'push of one target', area: 'remote', steps: [sh('mkdir ../remote'), remote(), write({ 'a.txt': 'a\n', 'b.txt': 'b\n' }), add('a.txt'), add('b.txt'), exit('push', 'a.txt'), sh('chmod -R u+w %D/cache && rm -rf %D/cache a.txt b.txt'), exit('pull'), files()] , differs: [{ at: 8, field: 'files', reason: PULL }, { at: 'end', field: 'files', reason: PULL }] },
  // ---------------------------------------------------------------- gc
  { name: 'gc -w drops old versions', area: 'gc', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), gitCommit('v1'), write({ 'a.txt': 'v2\n' }), add('a.txt'), gitCommit('v2'), objects(), gc('-w'), objects(), sh('git checkout -q HEAD~1'), checkout(), files()] , differs: [{ at: 11, field: 'files', reason: KEEP }, { at: 'end', field: 'files', reason: KEEP }] },
  { name: 'gc -A keeps every commit', area: 'gc', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), gitCommit('v1'), write({ 'a.txt': 'v2\n' }), add('a.txt'), gitCommit('v2'), gc('-A'), objects(), sh('git checkout -q HEAD~1'), checkout(), files()] },
  { name: 'gc -a keeps branch tips', area: 'gc', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), gitCommit('v1'), sh('git branch old'), write({ 'a.txt': 'v2\n' }), add('a.txt'), gitCommit('v2'), write({ 'a.txt': 'v3\n' }), add('a.txt'), gitCommit('v3'), gc('-a'), objects()] },
  { name: 'gc -T keeps tags', area: 'gc', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), gitCommit('v1'), sh('git tag v1'), write({ 'a.txt': 'v2\n' }), add('a.txt'), gitCommit('v2'), write({ 'a.txt': 'v3\n' }), add('a.txt'), gitCommit('v3'), gc('-T'), objects()] },
  { name: 'gc --rev keeps that revision', area: 'gc', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), gitCommit('v1'), write({ 'a.txt': 'v2\n' }), add('a.txt'), gitCommit('v2'), write({ 'a.txt': 'v3\n' }), add('a.txt'), gitCommit('v3'), gc('--rev', 'HEAD~2'), objects(), sh('git checkout -q HEAD~2'), checkout(), files()] },
  { name: 'every gc scope keeps the workspace', area: 'gc', steps: [write({ 'a.txt': 'v1\n' }), add('a.txt'), gitCommit('v1'), sh('git tag v1'), write({ 'a.txt': 'v2\n' }), add('a.txt'), gc('-T'), objects(), status()] },
  { name: 'gc keeps pipeline outputs', area: 'gc', steps: [write({ 'in.txt': 'i\n' }), pipeline(chain), repro(), gc('-w'), objects(), sh('rm a.txt b.txt c.txt'), checkout(), files()] },
  // ---------------------------------------------------------------- params / metrics diff
  { name: 'params diff of a changed value', area: 'diff', steps: [write({ 'in.txt': 'i\n', 'params.yaml': 'train:\n  lr: 0.1\n  epochs: 3\n' }), pipeline(trainYaml), repro(), gitCommit('p1'), write({ 'params.yaml': 'train:\n  lr: 0.2\n  epochs: 3\n' }), paramsDiff(), paramsDiff('--all')] , differs: [{ at: 6, field: 'rows', reason: PARAMS }] },
  { name: 'params diff of a key no stage tracks', area: 'diff', steps: [write({ 'in.txt': 'i\n', 'params.yaml': 'train:\n  lr: 0.1\n  epochs: 3\n' }), pipeline(trainYaml), gitCommit('p1'), write({ 'params.yaml': 'train:\n  lr: 0.1\n  epochs: 4\n' }), paramsDiff()] , differs: [{ at: 4, field: 'rows', reason: PARAMS }] },
  { name: 'params diff between two commits', area: 'diff', steps: [write({ 'in.txt': 'i\n', 'params.yaml': 'train:\n  lr: 0.1\n' }), pipeline(trainYaml), gitCommit('p1'), write({ 'params.yaml': 'train:\n  lr: 0.3\n' }), gitCommit('p2'), paramsDiff('HEAD~1', 'HEAD')] },
  { name: 'params diff shows a list as one value', area: 'diff', steps: [write({ 'in.txt': 'i\n', 'params.yaml': 'train:\n  lr: 0.1\n  layers: [1, 2]\n' }), pipeline(trainYaml.replace('params: [train.lr]', 'params: [train]')), gitCommit('p1'), write({ 'params.yaml': 'train:\n  lr: 0.1\n  layers: [1, 2, 3]\n' }), paramsDiff()] },
  { name: 'params diff --targets', area: 'diff', steps: [write({ 'in.txt': 'i\n', 'params.yaml': 'a: 1\n', 'other.yaml': 'b: 1\n' }), pipeline('stages:\n  s:\n    cmd: cp in.txt s.txt\n    deps: [in.txt]\n    params:\n      - a\n      - other.yaml:\n          - b\n    outs: [s.txt]\n'), gitCommit('p1'), write({ 'params.yaml': 'a: 2\n', 'other.yaml': 'b: 2\n' }), paramsDiff('--targets', 'other.yaml')] },
  { name: 'metrics diff of a changed metric', area: 'diff', steps: [write({ 'm.json': '{"acc": 0.8, "loss": 0.5}\n' }), pipeline('stages:\n  e:\n    cmd: "true"\n    metrics:\n      - m.json:\n          cache: false\n'), gitCommit('m1'), write({ 'm.json': '{"acc": 0.9, "loss": 0.5}\n' }), metricsDiff(), metricsDiff('--all')] },
  { name: 'metrics diff --targets', area: 'diff', steps: [write({ 'm.json': '{"acc": 0.8}\n', 'n.json': '{"f1": 0.1}\n' }), pipeline('stages:\n  e:\n    cmd: "true"\n    metrics:\n      - m.json:\n          cache: false\n      - n.json:\n          cache: false\n'), gitCommit('m1'), write({ 'm.json': '{"acc": 0.9}\n', 'n.json': '{"f1": 0.2}\n' }), metricsDiff('--targets', 'n.json')] },
  { name: 'metrics from a top-level metrics list', area: 'diff', steps: [write({ 'm.json': '{"acc": 0.8}\n' }), pipeline('metrics:\n  - m.json\n'), gitCommit('m1'), write({ 'm.json': '{"acc": 0.7}\n' }), metricsDiff()] },
  { name: 'a metrics file holding one number', area: 'diff', steps: [write({ 'm.json': '0.8\n' }), pipeline('stages:\n  e:\n    cmd: "true"\n    metrics:\n      - m.json:\n          cache: false\n'), gitCommit('m1'), write({ 'm.json': '0.9\n' }), metricsDiff()] },
  // ---------------------------------------------------------------- templating
  { name: 'foreach over a list', area: 'templating', steps: [write({ 'in.txt': 'i\n' }), pipeline('stages:\n  cp:\n    foreach: [x, y]\n    do:\n      cmd: cp in.txt ${item}.txt\n      deps: [in.txt]\n      outs:\n        - ${item}.txt\n'), repro(), repro('cp@y'), files()] },
  { name: 'foreach over a mapping', area: 'templating', steps: [write({ 'in.txt': 'i\n' }), pipeline('stages:\n  cp:\n    foreach:\n      a: {n: 1}\n      b: {n: 2}\n    do:\n      cmd: echo ${item.n} > ${key}.txt\n      outs:\n        - ${key}.txt\n'), repro(), files()] },
  { name: 'matrix', area: 'templating', steps: [pipeline('stages:\n  m:\n    matrix:\n      a: [1, 2]\n      b: [x, y]\n    cmd: echo ${item.a}${item.b} > m-${item.a}-${item.b}.txt\n    outs:\n      - m-${item.a}-${item.b}.txt\n'), repro(), files()] },
  { name: 'top-level vars', area: 'templating', steps: [write({ 'cfg.yaml': 'size: 3\n' }), pipeline('vars:\n  - cfg.yaml\n  - name: hello\nstages:\n  v:\n    cmd: echo ${name} ${size} > v.txt\n    outs: [v.txt]\n'), repro(), files()] },
  { name: 'stage-level vars', area: 'templating', steps: [pipeline('stages:\n  v:\n    vars:\n      - who: stage\n    cmd: echo ${who} > v.txt\n    outs: [v.txt]\n'), repro(), files()] },
  { name: 'a vars key inside matrix', area: 'templating', steps: [pipeline('vars:\n  - sizes: [1, 2]\nstages:\n  m:\n    matrix:\n      s: ${sizes}\n    cmd: echo ${item.s} > m${item.s}.txt\n    outs:\n      - m${item.s}.txt\n'), repro(), files()] },
  { name: 'vars entries merge nested mappings', area: 'templating', steps: [write({ 'a.yaml': 'cfg:\n  x: 1\n', 'b.yaml': 'cfg:\n  y: 2\n' }), pipeline('vars:\n  - a.yaml\n  - b.yaml\nstages:\n  v:\n    cmd: echo ${cfg.x} ${cfg.y} > v.txt\n    outs: [v.txt]\n'), repro(), files()] },
  { name: 'params templated into cmd rerun on change', area: 'templating', steps: [write({ 'params.yaml': 'n: 1\n' }), pipeline('stages:\n  t:\n    cmd: echo ${n} > t.txt\n    outs: [t.txt]\n'), repro(), write({ 'params.yaml': 'n: 2\n' }), status(), repro(), files()] },
];
