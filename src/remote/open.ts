// From config to a Remote: remote.<name>.url plus per-remote settings, default from
// core.remote (or CAIRN_REMOTE). The S3 backend is imported only when an s3:// remote is used.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../core/errors.js';
import type { Config } from '../repo/config.js';
import { FolderRemote } from './folder.js';
import { parseBool, REMOTE_KEYS } from './keys.js';
import type { Remote } from './remote.js';

export { REMOTE_KEYS };

export type RemoteUrl = { kind: 'folder'; path: string } | { kind: 's3'; bucket: string; prefix: string };

/** Parse a remote URL. Relative folder paths are taken relative to `base` (the repo root). */
export function parseRemoteUrl(url: string, base: string): RemoteUrl {
  if (url.startsWith('s3://')) {
    const rest = url.slice(5);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new CairnError('CAIRN_CONFIG', `'${url}': '${bucket}' is not a valid S3 bucket name`, {
        hint: 'use s3://bucket/optional/prefix (bucket names are 3-63 lowercase letters, digits, dots, hyphens)',
        data: { url },
      });
    }
    if (prefix.split('/').some((s) => s === '..' || s === '.')) {
      throw new CairnError('CAIRN_CONFIG', `'${url}': the prefix may not contain '.' or '..' segments`, { data: { url } });
    }
    return { kind: 's3', bucket, prefix };
  }
  if (url.startsWith('file://')) return { kind: 'folder', path: fileURLToPath(url) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new CairnError('CAIRN_CONFIG', `'${url}': unsupported remote kind '${url.split(':')[0]}'`, {
      hint: 'use a folder path, file:///abs/path, or s3://bucket/prefix (GCS, R2, MinIO and Ceph through their S3 endpoint)',
      data: { url },
    });
  }
  if (url === '') throw new CairnError('CAIRN_CONFIG', 'remote URL is empty');
  return { kind: 'folder', path: isAbsolute(url) ? url : resolve(base, url) };
}

export interface RemoteSpec {
  name: string;
  url: string;
  settings: Record<string, unknown>;
}

export function remoteNames(config: Config): string[] {
  const r = config.get('remote');
  return r && typeof r === 'object' ? Object.keys(r as object).sort() : [];
}

export function defaultRemoteName(config: Config): string | undefined {
  const env = process.env.CAIRN_REMOTE;
  if (env) return env;
  const d = config.get('core.remote');
  return typeof d === 'string' && d ? d : undefined;
}

/** The named remote, or the default one; CAIRN_NO_REMOTE when none is configured. */
export function remoteSpec(config: Config, name?: string): RemoteSpec {
  const names = remoteNames(config);
  const chosen = name ?? defaultRemoteName(config) ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen) {
    throw new CairnError('CAIRN_NO_REMOTE', names.length ? `no default remote (remotes: ${names.join(', ')})` : 'no remote configured', {
      hint: names.length ? `pass -r NAME or set one: \`cairn remote default ${names[0]}\`` : 'add one: `cairn remote add -d storage s3://bucket/path` (or a folder path)',
    });
  }
  const settings = config.get(`remote.${chosen}`);
  if (!settings || typeof settings !== 'object' || typeof (settings as Record<string, unknown>).url !== 'string') {
    throw new CairnError('CAIRN_NO_REMOTE', `remote '${chosen}' is not configured${names.length ? ` (remotes: ${names.join(', ')})` : ''}`, {
      hint: `add it: \`cairn remote add ${chosen} <url>\``,
      data: { remote: chosen },
    });
  }
  const s = settings as Record<string, unknown>;
  return { name: chosen, url: s.url as string, settings: s };
}

export function defaultJobs(): number {
  return 16;
}

/** Open a remote; `base` resolves relative folder paths; `jobs` overrides the config. */
export async function openRemote(spec: RemoteSpec, base: string, jobs?: number): Promise<Remote> {
  const u = parseRemoteUrl(spec.url, base);
  if (u.kind === 'folder') return new FolderRemote(spec.url, u.path);
  const s = spec.settings;
  const str = (k: string) => (typeof s[k] === 'string' && s[k] !== '' ? (s[k] as string) : undefined);
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : typeof s[k] === 'string' && s[k] !== '' ? Number(s[k]) : undefined);
  const { S3Remote } = await import('./s3.js');
  const retries = num('retries');
  const mp = num('multipart_threshold_mb');
  return new S3Remote({
    url: spec.url,
    bucket: u.bucket,
    prefix: u.prefix,
    endpoint: str('endpoint') ?? process.env.CAIRN_S3_ENDPOINT,
    region: str('region'),
    profile: str('profile'),
    pathStyle: typeof s.path_style === 'boolean' ? s.path_style : s.path_style === undefined ? undefined : parseBool(String(s.path_style)),
    jobs: jobs ?? num('jobs') ?? defaultJobs(),
    sse: str('sse'),
    sseKmsKeyId: str('sse_kms_key_id'),
    checksum: str('checksum') as 'when_required' | 'when_supported' | undefined,
    retry: retries ? { attempts: retries, baseMs: 200, capMs: 8000 } : undefined,
    multipartThreshold: mp ? mp * 1024 * 1024 : undefined,
    credentials:
      str('access_key_id') && str('secret_access_key')
        ? { accessKeyId: str('access_key_id')!, secretAccessKey: str('secret_access_key')!, sessionToken: str('session_token') }
        : undefined,
  });
}
