// cairn model register NAME --path PATH: an immutable version record in the tag NAME@vX.Y.Z.
import { resolve } from 'node:path';
import { registerVersion } from '../mlops/registry/register.js';
import type { VersionRecord } from '../mlops/registry/record.js';
import { Repo } from '../repo/repo.js';
import { resolveTarget } from '../repo/tracked.js';

export interface ModelRegisterOptions {
  cwd: string;
  name: string;
  /** the model file or directory, as typed (relative to cwd) */
  path: string;
  version?: string;
  bump?: 'major' | 'minor' | 'patch';
  /** a gate report JSON (relative to cwd) */
  gateReport?: string;
  allowDirty?: boolean;
}

export interface ModelRegisterResult {
  tag: string;
  record: VersionRecord;
}

export async function modelRegister(opts: ModelRegisterOptions): Promise<ModelRegisterResult> {
  const repo = await Repo.open(opts.cwd);
  const path = resolveTarget(repo, opts.cwd, opts.path);
  return repo.withLock('model register', () =>
    registerVersion({
      repo,
      name: opts.name,
      path,
      version: opts.version,
      bump: opts.bump,
      gateReport: opts.gateReport ? resolve(opts.cwd, opts.gateReport) : undefined,
      allowDirty: opts.allowDirty,
    }),
  );
}
