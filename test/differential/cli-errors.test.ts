// Bad command lines given to the stub and to real Envoy 1.40: the same exit code and the same first error lines
// (what the agent's crash report and an operator read), with timestamps, thread ids and source line numbers removed.
// Every case fails before anything is served, and --disable-hot-restart keeps shared memory out of it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import t from 'tap';
import { binaryOf, errorLines, flavours, runEnvoy, staticBootstrap, type Flavour } from '../helpers/differential.js';
import { inPool } from '../helpers/real-envoy.js';

const dir = mkdtempSync(`${tmpdir()}/differential-cli-`);
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const good = `${dir}/good.json`;
writeFileSync(good, JSON.stringify(staticBootstrap({ admin: 0, inbound: 0, outbound: 0 })));
const missing = `${dir}/missing.json`;

// A port some other process holds, for an admin address and a listener address that cannot be bound.
const holder = net.createServer();
await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
t.teardown(() => new Promise<void>((resolve) => holder.close(() => resolve())));
const taken = (holder.address() as net.AddressInfo).port;
const adminTaken = `${dir}/admin-taken.json`;
writeFileSync(adminTaken, JSON.stringify(staticBootstrap({ admin: taken, inbound: 0, outbound: 0 })));
const listenerTaken = `${dir}/listener-taken.json`;
writeFileSync(listenerTaken, JSON.stringify(staticBootstrap({ admin: 0, inbound: taken, outbound: 0 })));
const badLogPath = `${dir}/no/such/dir/envoy.log`;

/**
 * Each case: why it is bad, and the arguments after `--disable-hot-restart`. A sample of the flags the agent passes
 * (each case costs a stub start, ~0.2 s of CPU); the stub's own tests cover the rest of TCLAP's and Envoy's checks.
 */
const cases: readonly (readonly [string, readonly string[]])[] = [
  ['an unknown flag', ['--bogus']],
  ['a stray argument', ['-c', good, 'extra']],
  ['a flag given twice', ['--mode', 'validate', '--mode', 'serve']],
  ['a missing value', ['-c', good, '--base-id']],
  ['a non-numeric base id', ['--base-id', 'abc']],
  ['an unknown log level', ['-l', 'nope']],
  ['an unknown component log level', ['--component-log-level', 'upstream:nope']],
  ['a component without a level', ['--component-log-level', 'upstream']],
  ['an unknown IP version', ['--local-address-ip-version', 'v5']],
  ['a config file that does not exist', ['-c', missing]],
  ['a log path that cannot be opened', ['-c', missing, '--log-path', badLogPath]],
  ['validate mode on a missing file', ['--mode', 'validate', '-c', missing]],
  ['an admin port in use', ['-c', adminTaken]],
  ['a listener port in use', ['-c', listenerTaken]],
];

// The stub's strict validator (~0.3 s of CPU to load) is off: bootstraps are compared in validate-corpus.test.ts.
const run = (flavour: Flavour, args: readonly string[]) => runEnvoy(flavour, ['--disable-hot-restart', ...args], { ENVOY_STUB_STRICT: '0' });

t.test('a bad command line: the same exit code and first error lines', async (t) => {
  const results = await inPool(cases, 3, async ([, args]) => Object.fromEntries(await Promise.all(flavours.map(async (f) => [f, await run(f, args)] as const))));
  for (const [i, [why, args]] of cases.entries()) {
    const { real, stub } = results[i]!;
    const seen = (r: typeof real) => ({ code: r!.code, lines: errorLines(r!.output) });
    t.same(seen(stub), seen(real), `${why} (${args.join(' ') || 'no arguments'})`, { real: real!.output.slice(-600), stub: stub!.output.slice(-600) });
    // TCLAP's whole block (the error, the brief usage, the hint) has nothing that varies: byte for byte.
    if (real!.output.startsWith('PARSE ERROR')) t.equal(stub!.output, real!.output, `${why}: the whole parse-error block`);
    t.not(seen(real).lines.length, 0, `${why}: real Envoy says something`);
  }
});

t.test('--version: the same banner shape and version; the build SHA is made up (README)', async (t) => {
  const [real, stub] = await Promise.all(flavours.map((f) => run(f, ['--version'])));
  const banner = (output: string) => /^\n(\S+)  version: ([0-9a-f]{40})\/(\d+\.\d+\.\d+)\/Clean\/RELEASE\/BoringSSL\n\n$/.exec(output);
  const r = banner(real!.output);
  const s = banner(stub!.output);
  t.ok(r && s, 'both print the banner', { real: real!.output, stub: stub!.output });
  t.same([real!.code, stub!.code], [0, 0], 'exit 0');
  t.equal(s?.[3], r?.[3], 'the same version number');
  t.equal(s?.[1], r?.[1], 'the program name (both run as "envoy")');
  // Known differences: the stub's build SHA is its own; real Envoy prints its argv[0] (the agent's --binaryPath),
  // the stub always "envoy".
  t.not(s?.[2], r?.[2], "the stub does not claim real Envoy's build SHA");
  t.match(execFileSync(binaryOf('real'), ['--version'], { encoding: 'utf8' }), `\n${binaryOf('real')}  version: `, 'real Envoy started by its path prints the path');
});
