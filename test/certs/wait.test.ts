import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import t from 'tap';
import { waitForCertFiles } from '../../src/certs/wait.js';
import { waitFor } from '../helpers/net.js';

function capture(): { log: Logger; msgs: string[] } {
  const msgs: string[] = [];
  return { msgs, log: pino({ level: 'debug' }, { write: (s: string) => void msgs.push((JSON.parse(s) as { msg: string }).msg) }) };
}

t.test('files already there: no wait, nothing logged', async (t) => {
  const dir = t.testdir({ a: 'A', b: 'B' });
  const { log, msgs } = capture();
  t.equal(await waitForCertFiles([`${dir}/a`, `${dir}/b`], { timeoutMs: 1_000, log }), true);
  t.same(msgs, []);
});

t.test('files that appear during the wait end it', async (t) => {
  const dir = t.testdir({ a: 'A' });
  const { log, msgs } = capture();
  const waiting = waitForCertFiles([`${dir}/a`, `${dir}/b`], { timeoutMs: 60_000, pollMs: 10, log });
  // The first look is an asynchronous stat: the file must appear after it, or there is no wait to end.
  while (!msgs.includes('waiting for certificate files before starting envoy (MUTUAL_TLS)')) await new Promise((r) => setImmediate(r));
  writeFileSync(`${dir}/b`, 'B');
  t.equal(await waiting, true);
  t.same(msgs, ['waiting for certificate files before starting envoy (MUTUAL_TLS)', 'certificate files present']);
});

t.test('the timeout gives up with a warning, so envoy can start without them', async (t) => {
  const dir = t.testdir({});
  const { log, msgs } = capture();
  t.equal(await waitForCertFiles([`${dir}/a`], { timeoutMs: 50, pollMs: 10, log }), false);
  t.equal(msgs.at(-1), 'certificate files still missing; starting envoy without them');
});

t.test('reminders double: after 1 s, 3 s, 7 s… of waiting', async (t) => {
  const dir = t.testdir({});
  const lines: Array<{ msg: string; waitedMs?: number }> = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as { msg: string }) });
  // Virtual time that passes only by the wait's own pauses: the reminders fall where the doubling puts
  // them, however slowly the machine runs the polls.
  let now = 0;
  const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
  t.equal(await waitForCertFiles([`${dir}/a`], { timeoutMs: 10_000, pollMs: 50, log, clock }), false);
  t.same(lines.filter((l) => l.msg === 'still waiting for certificate files').map((l) => l.waitedMs), [1_000, 3_000, 7_000]);
});

t.test('an abort (shutdown) ends the wait', async (t) => {
  const dir = t.testdir({});
  const { log, msgs } = capture();
  const abort = new AbortController();
  const waiting = waitForCertFiles([`${dir}/a`], { timeoutMs: 60_000, log, signal: abort.signal });
  abort.abort();
  t.equal(await waiting, false);
  t.equal(msgs.at(-1), 'stopped waiting for certificate files: shutting down');
});

t.test('a FIFO in place of a file is waited past like a missing one, said once, and never opened', async (t) => {
  const dir = t.testdir({ a: 'A' });
  execFileSync('mkfifo', [`${dir}/b`]);
  const lines: Array<{ msg: string; path?: string; is?: string }> = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as { msg: string }) });
  const waiting = waitForCertFiles([`${dir}/a`, `${dir}/b`], { timeoutMs: 60_000, pollMs: 10, log });
  // Several polls see the FIFO: the complaint is said once.
  await waitFor('the first complaint', () => lines.some((l) => l.msg === 'still waiting for certificate files'), 30_000, 10);
  writeFileSync(`${dir}/b.new`, 'B');
  renameSync(`${dir}/b.new`, `${dir}/b`);
  t.equal(await waiting, true);
  t.same(
    lines.filter((l) => l.msg === 'certificate file is not a regular file; waiting for a regular file in its place').map((l) => [l.path, l.is]),
    [[`${dir}/b`, 'a FIFO (named pipe)']],
  );
});
