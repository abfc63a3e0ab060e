// The SDS server in-process, with a grpc-js client in envoy's place: the two secrets, versions and nonces,
// ACK and NACK, one state per stream, pushes on new material, and a socket only its owner can use.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { hashCertMaterial, readCertMaterial } from '../../src/certs/material.js';
import { metrics } from '../../src/metrics/registry.js';
import { SdsServer } from '../../src/sds/server.js';
import { setA, setB, type CertSet } from '../fixtures/certs/pki.js';
import { writeInPlace } from '../fixtures/certs/volume.js';
import { sdsClient, secretPems } from '../helpers/sds-client.js';
import { waitFor } from '../helpers/net.js';
import { asUser } from '../helpers/netns.js';

/** `node -e probe socket` as another uid: setpriv keeps only CAP_DAC_READ_SEARCH, so a checkout under a 0700 directory
 * (mktemp -d) is still reachable while the socket's own write permission is checked as usual; no coverage hook. */
const asOther = (probe: string, socket: string): [string, string[]] =>
  ['setpriv', [...asUser({ uid: 65534, gid: 65534 }).slice(1), 'env', '-u', 'NODE_OPTIONS', process.execPath, '-e', probe, socket]];

interface Line {
  readonly msg: string;
  readonly [k: string]: unknown;
}

/** A short temp dir: a unix socket path holds at most 107 bytes, and tap's test dirs are longer. */
function shortDir(t: Test): string {
  const dir = mkdtempSync(`${tmpdir()}/sds-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function harness(t: Test) {
  const dir = shortDir(t);
  const lines: Line[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  const socketPath = `${dir}/proxy/SDS`;
  const sds = await SdsServer.start({ socketPath, log });
  t.teardown(() => sds.close());
  const files = { certChain: `${dir}/certs/cert-chain.pem`, key: `${dir}/certs/key.pem`, rootCert: `${dir}/certs/root-cert.pem` };
  /** Write a set and hand it to the server as the watcher does after validating it. */
  const serve = async (set: CertSet): Promise<string> => {
    writeInPlace(`${dir}/certs`, set);
    const material = await readCertMaterial(files);
    const hash = hashCertMaterial(material);
    sds.update(material, hash);
    return hash.slice(0, 16);
  };
  return { dir, lines, sds, socketPath, serve };
}

const nacks = (): number => metrics.sdsNacks.get().values[0]?.value ?? 0;

t.test('serves default (chain and key) and ROOTCA (the root file) at the material\'s version', async (t) => {
  const h = await harness(t);
  const version = await h.serve(setA());
  const a = setA();
  const workload = sdsClient(t, h.socketPath);
  workload.subscribe(['default']);
  const roots = sdsClient(t, h.socketPath);
  roots.subscribe(['ROOTCA']);
  const [w, r] = await Promise.all([workload.response(1), roots.response(1)]);
  t.equal(w.version_info, version);
  t.equal(w.type_url, 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret');
  t.same(secretPems(w), { default: a['cert-chain.pem'], 'default.key': a['key.pem'] });
  t.same(secretPems(r), { ROOTCA: a['root-cert.pem'] });
  t.ok(h.lines.some((l) => l.msg === 'SDS service loaded'));
});

t.test('a request before any valid material stays open and is answered once material arrives', async (t) => {
  const h = await harness(t);
  const c = sdsClient(t, h.socketPath);
  c.subscribe(['default']);
  await waitFor('the stream to open', () => h.lines.some((l) => l.msg === 'SDS stream opened'));
  t.equal(c.responses.length, 0, 'nothing to send yet');
  const version = await h.serve(setA());
  t.equal((await c.response(1)).version_info, version);
});

t.test('an ACK gets no reply; new material is pushed to every stream, each with its own nonces', async (t) => {
  const h = await harness(t);
  await h.serve(setA());
  // A hot-restart parent and child: the same node, two streams.
  const parent = sdsClient(t, h.socketPath);
  const child = sdsClient(t, h.socketPath);
  parent.subscribe(['default']);
  child.subscribe(['default']);
  const [p1, c1] = await Promise.all([parent.response(1), child.response(1)]);
  parent.ack(p1, ['default']);
  child.ack(c1, ['default']);
  await waitFor('two ACKs', () => h.lines.filter((l) => l.msg === 'SDS ACK').length === 2);
  t.equal(parent.responses.length, 1, 'an ACK is not answered');
  const v2 = await h.serve(setB());
  const [p2, c2] = await Promise.all([parent.response(2), child.response(2)]);
  for (const r of [p2, c2]) {
    t.equal(r.version_info, v2);
    t.equal(secretPems(r).default, setB()['cert-chain.pem']);
  }
  t.not(p2.nonce, p1.nonce, 'a new nonce for every response');
  await h.serve(setB()); // the same contents again (a touch): nothing new to send
  parent.ack(p2, ['default']);
  await waitFor('the third ACK', () => h.lines.filter((l) => l.msg === 'SDS ACK').length === 3);
  t.equal(parent.responses.length, 2);
});

t.test('a NACK is logged and counted, the refused version is not sent again, the next material is', async (t) => {
  const h = await harness(t);
  const v1 = await h.serve(setA());
  const c = sdsClient(t, h.socketPath);
  c.subscribe(['default']);
  c.ack(await c.response(1), ['default']);
  const v2 = await h.serve(setB());
  const r2 = await c.response(2);
  const before = nacks();
  c.nack(r2, v1, ['default'], 'Failed to load certificate chain');
  const line = await waitFor('the NACK line', () => h.lines.find((l) => l.msg.startsWith('envoy rejected the SDS secrets')));
  t.match(line, { version: v2, keeps: v1, reason: 'Failed to load certificate chain' });
  t.equal(nacks(), before + 1);
  await h.serve(setB()); // the refused contents again: not pushed
  const v3 = await h.serve(setA());
  const r3 = await c.response(3);
  t.equal(r3.version_info, v3);
  t.equal(c.responses.filter((r) => r.version_info === v2).length, 1, 'the refused version went out once');
});

t.test('a stream whose first request names no node is ended with an error', async (t) => {
  const h = await harness(t);
  await h.serve(setA());
  const c = sdsClient(t, h.socketPath);
  c.subscribe(['default'], '');
  await t.rejects(c.response(1), /missing node id/);
});

t.test('a stale nonce is ignored, and a changed name list is answered at once', async (t) => {
  const h = await harness(t);
  await h.serve(setA());
  const c = sdsClient(t, h.socketPath);
  c.subscribe(['default']);
  const r1 = await c.response(1);
  c.ack({ ...r1, nonce: 'not-sent' }, ['default']);
  await waitFor('the stale nonce', () => h.lines.some((l) => l.msg === 'SDS request ignored' && /stale nonce/.test(String(l.why))));
  c.ack(r1, ['default', 'ROOTCA']);
  t.same(Object.keys(secretPems(await c.response(2))).sort(), ['ROOTCA', 'default', 'default.key']);
});

t.test('the socket is mode 0600, replaces a stale one, and is removed on close', async (t) => {
  const dir = shortDir(t);
  mkdirSync(`${dir}/proxy`);
  const socketPath = `${dir}/proxy/SDS`;
  writeFileSync(socketPath, 'stale');
  const sds = await SdsServer.start({ socketPath, log: pino({ level: 'silent' }) });
  const st = statSync(socketPath);
  t.ok(st.isSocket(), 'a socket now');
  t.equal(st.mode & 0o777, 0o600);
  await sds.close();
  t.throws(() => statSync(socketPath), { code: 'ENOENT' });
  // Nothing of the staging directory is left behind.
  t.same(readdirSync(`${dir}/proxy`), []);
});

t.test('another uid cannot connect to the socket; its owner can', async (t) => {
  const h = await harness(t);
  await h.serve(setA());
  chmodSync(h.dir, 0o755); // let others reach the socket itself: its own mode is what refuses them
  chmodSync(`${h.dir}/proxy`, 0o755);
  const probe = `const s = require('node:net').connect(process.argv[1]);
    s.on('connect', () => { console.log('connected'); s.destroy(); });
    s.on('error', (e) => console.log(e.code));`;
  t.equal(execFileSync(process.execPath, ['-e', probe, h.socketPath], { encoding: 'utf8' }).trim(), 'connected', 'the agent\'s own uid connects');
  if (process.getuid!() === 0) {
    t.equal(execFileSync(...asOther(probe, h.socketPath), { encoding: 'utf8' }).trim(), 'EACCES', 'uid 65534 is refused');
  } else {
    // Without root there is no other uid to try: the owner and mode are what refuse them.
    t.equal(statSync(h.socketPath).uid, process.getuid!());
  }
  t.equal(statSync(h.socketPath).mode & 0o777, 0o600);
});

t.test('with the mode loosened, a peer of another uid is still refused by its credentials (SO_PEERCRED)', async (t) => {
  const h = await harness(t);
  const probe = `const s = require('node:net').connect(process.argv[1]);
    const guard = setTimeout(() => { console.log('still open'); s.destroy(); }, 20000); // a hang guard only
    s.on('close', () => { clearTimeout(guard); console.log('closed'); });
    s.on('error', (e) => console.log(e.code));`;
  chmodSync(h.dir, 0o755);
  chmodSync(`${h.dir}/proxy`, 0o755);
  chmodSync(h.socketPath, 0o666);
  if (process.getuid!() === 0) {
    // Asynchronously: the server answering it lives in this process's event loop.
    const out = (await promisify(execFile)(...asOther(probe, h.socketPath), { encoding: 'utf8' })).stdout.trim();
    t.equal(out, 'closed', 'the agent closed the connection at once');
    const line = await waitFor('the refusal', () => h.lines.find((l) => l.msg === 'SDS connection refused: the peer runs as another uid'));
    t.equal(line.uid, 65534);
  }
  // The agent's own uid still gets served.
  await h.serve(setA());
  const c = sdsClient(t, h.socketPath);
  c.subscribe(['default']);
  t.ok((await c.response(1)).resources.length === 1);
});
