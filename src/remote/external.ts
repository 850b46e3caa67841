// External dependencies: data that lives outside the repo (an S3 object, an S3 prefix, an
// HTTP(S) URL). They are tracked without downloading: S3 by ETag / version id per object (a
// prefix by its listing of keys, ETags and sizes, hashed into one id), HTTP by ETag or
// Last-Modified + Content-Length from a HEAD request. The S3 client is the remote's
// (src/remote/s3.ts), built from the settings of the remote that names the same bucket, or
// else the default remote's endpoint, so endpoint, path style and credentials come from the
// remote config. The SDK is loaded only when an s3:// dependency is probed.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CairnError } from '../core/errors.js';
import { hasUrlCredentials, maskText } from '../core/secrets.js';
import { isSafeRelpath } from '../core/paths.js';
import type { Config } from '../repo/config.js';
import type { ExternalEntry } from '../repo/lockfile.js';
import { defaultRemoteName, openRemote, parseRemoteUrl, remoteNames, type RemoteSpec } from './open.js';
import type { S3Remote } from './s3.js';

import { parseExternalUrl, type ExternalKind } from './external-url.js';
export { isExternalDep, parseExternalUrl, externalUrlProblem, type ExternalKind, type ExternalUrl } from './external-url.js';

/** What an external dependency looked like when probed: its lock entry (repo/lockfile.ts). */
export type ExternalState = ExternalEntry;

/** Objects under one S3 prefix cairn will list before refusing (a hostile or mistaken prefix). */
export const MAX_PREFIX_OBJECTS = 100_000;

function fingerprintId(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

// ------------------------------------------------------------------------------ S3 client

/**
 * The remote settings to reach `bucket` with: a configured remote on that bucket, else the
 * default remote when it is an S3 one (its endpoint, region, path style, profile and
 * credentials), else the AWS SDK's defaults (CAIRN_S3_ENDPOINT still applies).
 */
export function s3SpecFor(config: Config, bucket: string, base: string): RemoteSpec {
  const specs: RemoteSpec[] = [];
  for (const name of remoteNames(config)) {
    const s = config.get(`remote.${name}`) as Record<string, unknown> | undefined;
    if (s && typeof s.url === 'string') specs.push({ name, url: s.url, settings: s });
  }
  const kindOf = (sp: RemoteSpec) => {
    try {
      return parseRemoteUrl(sp.url, base);
    } catch {
      return undefined;
    }
  };
  const same = specs.find((sp) => {
    const k = kindOf(sp);
    return k?.kind === 's3' && k.bucket === bucket;
  });
  const def = defaultRemoteName(config);
  const fallback = same ?? specs.find((sp) => sp.name === def && kindOf(sp)?.kind === 's3') ?? specs.find((sp) => kindOf(sp)?.kind === 's3');
  const settings = { ...(fallback?.settings ?? {}), url: `s3://${bucket}` };
  return { name: fallback?.name ?? 'external', url: `s3://${bucket}`, settings };
}

/** An S3 client for one bucket, through the remote layer (src/remote/s3.ts). */
export async function openBucket(config: Config, bucket: string, base: string): Promise<S3Remote> {
  return (await openRemote(s3SpecFor(config, bucket, base), base)) as S3Remote;
}

// ------------------------------------------------------------------------------- probing

export interface ProbeContext {
  config: Config;
  /** repo root (relative folder remotes resolve against it) */
  base: string;
  /** HTTP client; global fetch by default (tests pass their own) */
  fetch?: typeof fetch;
}

/** Look at an external dependency without downloading it. */
export async function probeExternal(dep: string, ctx: ProbeContext, buckets = new Map<string, Promise<S3Remote>>()): Promise<ExternalState> {
  const u = parseExternalUrl(dep);
  if (u.kind === 'http') return probeHttp(u.url, ctx.fetch ?? fetch);
  let b = buckets.get(u.bucket);
  if (!b) {
    b = openBucket(ctx.config, u.bucket, ctx.base);
    buckets.set(u.bucket, b);
  }
  const s3 = await b;
  if (u.kind === 's3') {
    const st = await s3.statObject(u.key);
    if (!st) {
      throw new CairnError('CAIRN_NOT_FOUND', `external dependency ${dep} does not exist`, {
        hint: 'check the bucket and key (`aws s3 ls`), or the remote settings that reach it (`cairn remote list`)',
        data: { url: dep },
      });
    }
    const e: ExternalState = { path: dep, external: 's3', id: fingerprintId(['s3', st.versionId ?? null, st.etag ?? null, st.size]), size: st.size };
    if (st.etag) e.etag = st.etag;
    if (st.versionId) e.version_id = st.versionId;
    return e;
  }
  const objects = await s3.listMeta(u.prefix, MAX_PREFIX_OBJECTS);
  objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const listing = objects.map((o) => [o.key.slice(u.prefix.length), o.etag ?? null, o.size]);
  return {
    path: dep,
    external: 's3-prefix',
    id: fingerprintId(['s3-prefix', listing]),
    size: objects.reduce((n, o) => n + o.size, 0),
    nfiles: objects.length,
  };
}

async function probeHttp(url: string, f: typeof fetch): Promise<ExternalState> {
  let r: Response;
  try {
    r = await f(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw new CairnError('CAIRN_REMOTE', `cannot reach ${maskText(url)}: ${maskText((e as Error).message)}`, {
      hint: 'check the URL and the network, then run the command again',
      data: { url: maskText(url) },
    });
  }
  if (r.status === 404 || r.status === 410) {
    throw new CairnError('CAIRN_NOT_FOUND', `external dependency ${maskText(url)} does not exist (HTTP ${r.status})`, { data: { url: maskText(url), status: r.status } });
  }
  if (!r.ok) {
    throw new CairnError(r.status === 401 || r.status === 403 ? 'CAIRN_REMOTE_AUTH' : 'CAIRN_REMOTE', `HEAD ${maskText(url)}: HTTP ${r.status}`, { data: { url: maskText(url), status: r.status } });
  }
  const etag = r.headers.get('etag') ?? undefined;
  const lastModified = r.headers.get('last-modified') ?? undefined;
  const len = r.headers.get('content-length');
  const size = len !== null && /^\d+$/.test(len) ? Number(len) : 0;
  if (!etag && !lastModified) {
    throw new CairnError('CAIRN_REMOTE', `${maskText(url)} sends neither ETag nor Last-Modified: cairn cannot tell when it changes`, {
      hint: 'track a copy instead: download it in a stage with always_changed: true, or serve it with ETags',
      data: { url: maskText(url) },
    });
  }
  const e: ExternalState = { path: url, external: 'http', id: fingerprintId(['http', etag ?? null, etag ? null : lastModified ?? null, size]), size };
  if (etag) e.etag = etag;
  if (lastModified) e.last_modified = lastModified;
  return e;
}

/** Probe many dependencies (each URL once; buckets opened once), closing the clients after. */
export async function probeAll(deps: string[], ctx: ProbeContext, opts: { tolerant?: boolean } = {}): Promise<Map<string, ExternalState>> {
  const out = new Map<string, ExternalState>();
  const buckets = new Map<string, Promise<S3Remote>>();
  try {
    for (const d of [...new Set(deps)]) {
      try {
        out.set(d, await probeExternal(d, ctx, buckets));
      } catch (e) {
        // status shows an unreachable or deleted source as a missing dep instead of failing
        if (!opts.tolerant) throw e;
      }
    }
  } finally {
    for (const b of buckets.values()) await (await b.catch(() => undefined))?.close();
  }
  return out;
}

// ----------------------------------------------------------------------------- download

export interface DownloadResult {
  files: number;
  bytes: number;
}

/**
 * Download an external source into `dest` (an absolute path the caller has checked): a file
 * for an object or URL, a folder for a prefix. Refuses more than `maxBytes` in total and keys
 * that would land outside `dest`.
 */
export async function downloadExternal(dep: string, dest: string, ctx: ProbeContext & { maxBytes: number }): Promise<DownloadResult> {
  if (hasUrlCredentials(dep)) {
    throw new CairnError('CAIRN_USAGE', `'${maskText(dep)}' carries credentials in the URL`, { hint: 'pass credentials through the environment or config.local.yaml' });
  }
  const u = parseExternalUrl(dep);
  const tooBig = (n: number) =>
    new CairnError('CAIRN_FAILED', `${maskText(dep)} is ${n} bytes, more than the limit of ${ctx.maxBytes}`, {
      hint: 'raise the limit with --max-size BYTES',
      data: { url: maskText(dep), size: n, limit: ctx.maxBytes },
    });
  if (u.kind === 'http') return downloadHttp(u.url, dest, ctx.fetch ?? fetch, ctx.maxBytes, tooBig);
  const s3 = await openBucket(ctx.config, u.bucket, ctx.base);
  try {
    if (u.kind === 's3') {
      const st = await s3.statObject(u.key);
      if (!st) throw new CairnError('CAIRN_NOT_FOUND', `${dep} does not exist`, { data: { url: dep } });
      if (st.size > ctx.maxBytes) throw tooBig(st.size);
      mkdirSync(dirname(dest), { recursive: true });
      const n = await s3.get(u.key, dest);
      return { files: 1, bytes: n };
    }
    const objects = (await s3.listMeta(u.prefix, MAX_PREFIX_OBJECTS)).filter((o) => !o.key.endsWith('/'));
    const total = objects.reduce((n, o) => n + o.size, 0);
    if (total > ctx.maxBytes) throw tooBig(total);
    for (const o of objects) {
      const rel = o.key.slice(u.prefix.length);
      if (!isSafeRelpath(rel)) {
        throw new CairnError('CAIRN_BAD_PATH', `${dep}: key '${o.key}' would be written outside the target folder`, { data: { url: dep, key: o.key } });
      }
    }
    let bytes = 0;
    for (const o of objects) {
      const file = `${dest}/${o.key.slice(u.prefix.length)}`;
      mkdirSync(dirname(file), { recursive: true });
      bytes += await s3.get(o.key, file);
    }
    mkdirSync(dest, { recursive: true });
    return { files: objects.length, bytes };
  } finally {
    await s3.close();
  }
}

async function downloadHttp(url: string, dest: string, f: typeof fetch, maxBytes: number, tooBig: (n: number) => CairnError): Promise<DownloadResult> {
  const r = await f(url, { redirect: 'follow' }).catch((e: Error) => {
    throw new CairnError('CAIRN_REMOTE', `cannot reach ${maskText(url)}: ${maskText(e.message)}`, { data: { url: maskText(url) } });
  });
  if (!r.ok || !r.body) throw new CairnError(r.status === 404 ? 'CAIRN_NOT_FOUND' : 'CAIRN_REMOTE', `GET ${maskText(url)}: HTTP ${r.status}`, { data: { url: maskText(url), status: r.status } });
  const len = Number(r.headers.get('content-length') ?? NaN);
  if (Number.isFinite(len) && len > maxBytes) {
    await r.body.cancel();
    throw tooBig(len);
  }
  mkdirSync(dirname(dest), { recursive: true });
  let bytes = 0;
  const body = Readable.fromWeb(r.body as import('node:stream/web').ReadableStream);
  body.on('data', (c: Buffer) => {
    bytes += c.length;
    if (bytes > maxBytes) body.destroy(tooBig(bytes));
  });
  await pipeline(body, createWriteStream(dest));
  return { files: 1, bytes };
}
