// bin/xds-server: serves the seed snapshot on the given port, logs JSON lines, stops cleanly on SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import t from 'tap';
import { repoRoot } from '../../helpers/agent.js';
import { freePort, waitFor } from '../../helpers/net.js';

const bin = `${repoRoot}tools/xds-server/bin/xds-server`;

t.test('serves on the given port, says so in a JSON line, moves to the next version on SIGHUP, and exits 0 on SIGTERM', async (t) => {
  const port = await freePort();
  const proc = spawn(process.execPath, [bin, '--port', String(port), '--app-port', '9999'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  t.teardown(() => void proc.kill('SIGKILL'));
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const first = await waitFor('the listening line', () => out.includes('\n') && (JSON.parse(out.split('\n')[0]!) as Record<string, unknown>), 15_000);
  t.match(first, { msg: 'xDS server listening', port, appPort: 9999, inboundPort: 15006, outboundPort: 15001, level: 30 });
  proc.kill('SIGHUP');
  await waitFor('the next snapshot', () => out.split('\n').some((l) => /"msg":"snapshot","version":"2"/.test(l)), 15_000);
  proc.kill('SIGTERM');
  t.equal(await exited, 0);
});

t.test('a port that is not one exits 2 with the usage', async (t) => {
  const r = spawnSync(process.execPath, [bin, '--port', 'ninety'], { encoding: 'utf8' });
  t.equal(r.status, 2);
  t.match(r.stdout, /--port: not a port: ninety/);
  t.match(r.stderr, /usage: xds-server/);
});
