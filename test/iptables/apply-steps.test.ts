// The apply sequence with a recording stand-in for the external tools (like Istio's stub
// dependencies): which commands run in which order, what a second run does, which failures are
// tolerated, and the validator's failure paths.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import t, { type Test } from 'tap';
import type { Exec, ExecResult } from '../../src/iptables/exec.js';
import { runIstioIptables } from '../../src/iptables/run.js';
import { validate } from '../../src/iptables/validation.js';
import { freePort } from '../helpers/net.js';

const ok = (stdout = ''): ExecResult => ({ code: 0, stdout, stderr: '' });

async function runWith(t: Test, argv: string[], answer: (cmd: string, args: readonly string[]) => ExecResult, ipv6 = false) {
  const tmpDir = await mkdtemp('/tmp/istio-iptables-apply-');
  t.teardown(() => rm(tmpDir, { recursive: true, force: true }));
  const calls: string[] = [];
  let stdout = '';
  let stderr = '';
  const exec: Exec = async (cmd, args) => {
    calls.push(`${cmd} ${args.join(' ')}`.trim());
    return answer(cmd, args);
  };
  const io = {
    env: { ENVOY_USER: 'nobody-here' },
    stdout: (s: string) => void (stdout += s),
    stderr: (s: string) => void (stderr += s),
    exec,
    tmpDir,
    hostAddress: () => (ipv6 ? { address: '2001:db8::1', ipv6: true } : { address: '192.0.2.1', ipv6: false }),
  };
  let code: number | undefined;
  let error: Error | undefined;
  try {
    code = await runIstioIptables(argv, io);
  } catch (e) {
    error = e as Error;
  }
  return { code, error, calls, stdout, stderr, leftFiles: await readdir(tmpDir) };
}

const seed = ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15020'];

t.test('a first run: read state, restore v4 then v6, dump; temp files removed', async (t) => {
  const r = await runWith(t, seed, () => ok());
  t.equal(r.code, 0);
  t.same(r.calls.map((c) => c.replace(/\S+rules-\S+/, 'FILE')), ['iptables-save', 'iptables-restore --noflush FILE', 'ip6tables-save', 'ip6tables-restore --noflush FILE', 'iptables-save']);
  t.same(r.leftFiles, []);
});

t.test('a second TPROXY run on an IPv6 pod: existing ip rule kept, route and ::6 failures tolerated, leftovers replaced', async (t) => {
  const saved = '*nat\n:ISTIO_OUTPUT - [0:0]\n-A OUTPUT -p tcp -j ISTIO_OUTPUT\nCOMMIT\n';
  const r = await runWith(t, [...seed.map((a) => (a === 'REDIRECT' ? 'TPROXY' : a)), '-f=false'], (cmd, args) => {
    if (cmd === 'ip' && args.includes('show') && args.includes('fwmark')) return ok('32765: from all fwmark 0x539 lookup 133\n');
    if (cmd === 'ip' && args.includes('addr')) return { code: 2, stdout: '', stderr: 'Error: ipv6: address already assigned.\n' };
    if (cmd === 'ip' && args.includes('local')) return { code: 2, stdout: '', stderr: 'RTNETLINK answers: File exists\n' };
    if (cmd.endsWith('-save')) return ok(saved);
    return ok();
  }, true);
  t.equal(r.code, 0, String(r.error));
  t.notOk(r.calls.includes('ip -f inet rule add fwmark 1337 lookup 133'), 'the fwmark rule is not added twice');
  t.ok(r.calls.includes('ip route show table all'), 'after the route failure the table listing is checked');
  t.ok(r.calls.includes('iptables -t nat -D OUTPUT -p tcp -j ISTIO_OUTPUT'), 'the leftover jump is deleted first');
  t.ok(r.calls.includes('ip6tables -t nat -X ISTIO_OUTPUT'));
  t.equal(r.calls.at(-1), 'ip6tables-save');
});

t.test('failures become one AgentError line with the tool\'s stderr', async (t) => {
  const restore = await runWith(t, seed, (cmd) => (cmd === 'iptables-restore' ? { code: 1, stdout: '', stderr: 'iptables-restore: line 2 failed\n' } : ok()));
  t.match(restore.error?.message, /^iptables-restore --noflush \S+ failed with exit status 1: iptables-restore: line 2 failed$/);
  t.same(restore.leftFiles, [], 'the rules file is removed after a failure too');
  t.equal(restore.calls.at(-1), 'iptables-save', 'the tables are still dumped');

  const ipRule = await runWith(t, ['-m', 'TPROXY', '-b', '*'], (cmd, args) => (cmd === 'ip' && args.includes('add') ? { code: 2, stdout: '', stderr: 'RTNETLINK answers: Operation not permitted\n' } : ok()));
  t.match(ipRule.error?.message, /^ip -f inet rule add fwmark 1337 lookup 133 failed with exit status 2: RTNETLINK answers: Operation not permitted \(needs root or CAP_NET_ADMIN/);
});

t.test('the validator: no listener, then no redirect (timeout)', async (t) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => busy.close(resolve)));
  const port = String((busy.address() as { port: number }).port);
  const out: string[] = [];
  const noListener = await validate({ hostIp: '192.0.2.1', ipv6: false, ports: [port, port], probePort: 15002, timeoutMs: 5_000, out: (l) => out.push(l) });
  t.same(noListener, { ok: false, reason: `no listener available: 127.0.0.1:${port},127.0.0.1:${port}` });
  t.match(out, ['in new validator: 192.0.2.1', `Listening on 127.0.0.1:${port}`, `Listening on 127.0.0.1:${port}`, /^Error on listening: /]);

  const free = String(await freePort());
  const abort = new AbortController();
  const pending = validate({ hostIp: '192.0.2.1', ipv6: false, ports: [free], probePort: 15002, timeoutMs: 60_000, out: () => {}, signal: abort.signal });
  setTimeout(() => abort.abort(), 50);
  t.same(await pending, { ok: false, reason: 'interrupted by a signal' });
});
