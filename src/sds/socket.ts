// The SDS unix socket, reachable by envoy only. It is bound in a private directory, made 0600 (and owned like
// the directory it serves, when the agent runs as root for another user), and only then renamed into place:
// there is no moment at which the path accepts a connection with looser rights. The rename also replaces a
// stale socket from an earlier run, as Istio's agent removed it before listening.
import { chmod, chown, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';

export async function listenPrivately(socketPath: string, onConnection: (socket: Socket) => void): Promise<Server> {
  const dir = dirname(socketPath);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const staging = await mkdtemp(join(dir, '.sds-'));
  const server = createServer({ pauseOnConnect: true }, onConnection);
  try {
    const staged = join(staging, 's');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(staged, () => {
        server.off('error', reject);
        resolve();
      });
    });
    await chmod(staged, 0o600);
    const owner = await stat(dir);
    if (process.getuid?.() === 0 && (owner.uid !== 0 || owner.gid !== 0)) await chown(staged, owner.uid, owner.gid);
    await rename(staged, socketPath);
    return server;
  } catch (e) {
    server.close();
    throw e;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
