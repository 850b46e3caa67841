// fastify and prom-client are optional peer dependencies of cairn-ml: only `cairn serve` (and a
// `deploy --target local` that starts it) needs them, and together they are about 20 MB of a
// user's install (docs/benchmarks.md, install size). Without them every other command works;
// serve says what to install instead of failing with a module-resolution stack.
import { CairnError } from '../../core/errors.js';

/** What to install, with the ranges package.json's peerDependencies declare. */
export const SERVE_PEERS = ['fastify@^5.12.8', 'prom-client@^15.1.3'];

/** Runs `load` (the dynamic imports); a missing fastify or prom-client becomes a usage error naming the install command. */
export async function loadServePeers<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const missing = err?.code === 'ERR_MODULE_NOT_FOUND' ? /Cannot find package '(fastify|prom-client)'/.exec(err.message)?.[1] : undefined;
    if (!missing) throw e;
    throw new CairnError('CAIRN_USAGE', `cairn serve needs fastify and prom-client, optional peer dependencies of cairn-ml that are not installed (${missing} is missing)`, {
      hint: `install them beside cairn-ml: npm i ${SERVE_PEERS.join(' ')}`,
      data: { missing, install: SERVE_PEERS },
      cause: e,
    });
  }
}
