// cairn install: git hooks (post-checkout → checkout, pre-push → push when a remote is set,
// pre-commit → warn about modified tracked data) and the `cairn` merge driver for cairn.lock
// and pointer files. Each hook gets a marked block appended, so existing hooks keep working,
// installing twice changes nothing, and --uninstall removes exactly what was added.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../core/errors.js';
import { Repo } from '../repo/repo.js';

export const HOOKS = ['post-checkout', 'pre-push', 'pre-commit'] as const;
export type HookName = (typeof HOOKS)[number];
const BEGIN = '# >>> cairn hook (added by `cairn install`; remove with `cairn install --uninstall`) >>>';
const END = '# <<< cairn hook <<<';
const ATTR_LINES = ['cairn.lock merge=cairn', '*.cairn merge=cairn'];
const ATTR_BEGIN = '# >>> cairn merge driver >>>';
const ATTR_END = '# <<< cairn merge driver <<<';

export interface InstallOptions {
  cwd: string;
  uninstall?: boolean;
}

export interface InstallResult {
  hooks: { name: HookName; file: string; action: 'added' | 'unchanged' | 'removed' | 'absent' }[];
  gitattributes: 'added' | 'unchanged' | 'removed' | 'absent';
  mergeDriver: 'added' | 'unchanged' | 'removed' | 'absent';
}

function gitDir(root: string): string {
  const dot = join(root, '.git');
  let st;
  try {
    st = statSync(dot);
  } catch {
    throw new CairnError('CAIRN_NOT_A_GIT_REPO', `no .git in ${root}: hooks need a git repository`, { hint: 'run `git init`, then `cairn install`' });
  }
  if (st.isDirectory()) return dot;
  const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dot, 'utf8'));
  if (!m) throw new CairnError('CAIRN_NOT_A_GIT_REPO', `${dot}: not a gitdir link`, {});
  return resolve(root, m[1]!.trim());
}

/** How a hook calls cairn: `cairn` on PATH, else the node + script that ran `cairn install`. */
function cairnInvocation(): string {
  const script = resolve(fileURLToPath(import.meta.url), '../../../bin/cairn.js');
  return `if command -v cairn >/dev/null 2>&1; then CAIRN=cairn; else CAIRN="'${process.execPath}' '${script}'"; fi`;
}

function hookBlock(name: HookName): string {
  return [BEGIN, cairnInvocation(), `eval "$CAIRN install --run-hook ${name}" || exit $?`, END].join('\n');
}

function stripBlock(text: string, begin: string, end: string): string {
  const re = new RegExp(`\\n?${begin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*?${end.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n?`, 'g');
  return text.replace(re, '\n').replace(/\n{3,}/g, '\n\n');
}

function removeDriverConfig(text: string): string {
  return text.replace(/\[merge "cairn"\][^[]*/g, '');
}

export async function install(opts: InstallOptions): Promise<InstallResult> {
  const repo = await Repo.open(opts.cwd);
  const gd = gitDir(repo.root);
  const hooksDir = join(gd, 'hooks');
  mkdirSync(hooksDir, { recursive: true });
  const res: InstallResult = { hooks: [], gitattributes: 'unchanged', mergeDriver: 'unchanged' };
  for (const name of HOOKS) {
    const file = join(hooksDir, name);
    const cur = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (opts.uninstall) {
      if (!cur || !cur.includes(BEGIN)) {
        res.hooks.push({ name, file, action: 'absent' });
        continue;
      }
      const left = stripBlock(cur, BEGIN, END);
      if (left.replace(/^#!.*\n?/, '').trim() === '') rmSync(file);
      else writeFileSync(file, left);
      res.hooks.push({ name, file, action: 'removed' });
      continue;
    }
    if (cur?.includes(BEGIN)) {
      const next = stripBlock(cur, BEGIN, END).replace(/\n*$/, '\n') + hookBlock(name) + '\n';
      if (next !== cur) writeFileSync(file, next);
      res.hooks.push({ name, file, action: 'unchanged' });
      continue;
    }
    const base = cur === undefined ? '#!/bin/sh\n' : cur.replace(/\n*$/, '\n');
    writeFileSync(file, `${base}${hookBlock(name)}\n`);
    chmodSync(file, 0o755);
    res.hooks.push({ name, file, action: 'added' });
  }

  const attrs = join(repo.root, '.gitattributes');
  const curAttrs = existsSync(attrs) ? readFileSync(attrs, 'utf8') : '';
  const cfgFile = join(gd, 'config');
  const cfg = existsSync(cfgFile) ? readFileSync(cfgFile, 'utf8') : '';
  if (opts.uninstall) {
    if (curAttrs.includes(ATTR_BEGIN)) {
      const left = stripBlock(curAttrs, ATTR_BEGIN, ATTR_END);
      if (left.trim() === '') rmSync(attrs);
      else writeFileSync(attrs, left.replace(/^\n+/, ''));
      res.gitattributes = 'removed';
    } else res.gitattributes = 'absent';
    if (cfg.includes('[merge "cairn"]')) {
      writeFileSync(cfgFile, removeDriverConfig(cfg));
      res.mergeDriver = 'removed';
    } else res.mergeDriver = 'absent';
    return res;
  }
  if (!curAttrs.includes(ATTR_BEGIN)) {
    writeFileSync(attrs, `${curAttrs.replace(/\n*$/, curAttrs ? '\n' : '')}${ATTR_BEGIN}\n${ATTR_LINES.join('\n')}\n${ATTR_END}\n`);
    res.gitattributes = 'added';
  }
  if (!cfg.includes('[merge "cairn"]')) {
    const script = resolve(fileURLToPath(import.meta.url), '../../../bin/cairn.js');
    const driver = `'${process.execPath}' '${script}' merge-driver %O %A %B %P`;
    writeFileSync(cfgFile, `${cfg.replace(/\n*$/, '\n')}[merge "cairn"]\n\tname = cairn lock and pointer merge\n\tdriver = ${driver.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}\n`);
    res.mergeDriver = 'added';
  }
  return res;
}
