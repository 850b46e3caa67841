// Who may use /admin/: a loopback client (checked on the socket's remote address, never on a
// header) that sends `Authorization: Bearer <token>`, the token cairn serve wrote to
// .cairn/serve/token (0600) at start.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';

/** 127.0.0.0/8, ::1, and IPv4-mapped 127.x (a dual-stack socket reports those). */
export function isLoopback(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.toLowerCase();
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return isIPv4(v4) && v4.split('.')[0] === '127';
}

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** The outcome of an admin request's credentials: 0 ok, else the HTTP status to refuse with. */
export function adminCheck(remote: string | undefined, authorization: string | undefined, token: string): 0 | 401 | 403 {
  if (!isLoopback(remote)) return 403;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m) return 401;
  const got = Buffer.from(m[1]!);
  const want = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want) ? 0 : 401;
}
