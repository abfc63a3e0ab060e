// The one reader for files a pod controls: regular files only, size-capped, time-bounded, and never a
// blocking open (a FIFO with no writer would hold one of libuv's 4 threadpool threads for good).
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { FileRefused, readBounded, type ReadBounds } from '../../src/fs/read-bounded.js';

const bounds: ReadBounds = { maxBytes: 1024, timeoutMs: 5_000 };

const refusal = async (path: string, b = bounds): Promise<FileRefused> => {
  try {
    await readBounded(path, b);
  } catch (e) {
    if (e instanceof FileRefused) return e;
    throw e;
  }
  throw new Error(`${path} was read`);
};

t.test('a regular file, directly or through a symlink, is read whole', async (t) => {
  const dir = t.testdir({ 'a.pem': 'A'.repeat(1024) });
  symlinkSync(`${dir}/a.pem`, `${dir}/link`);
  t.equal((await readBounded(`${dir}/a.pem`, bounds)).toString(), 'A'.repeat(1024), 'exactly the cap is fine');
  t.equal((await readBounded(`${dir}/link`, bounds)).length, 1024);
});

t.test('anything but a regular file is refused, naming the path, what it is and what is expected', async (t) => {
  const dir = t.testdir({});
  mkdirSync(`${dir}/dir`);
  execFileSync('mkfifo', [`${dir}/fifo`]);
  symlinkSync('/dev/zero', `${dir}/zero`);
  const cases = [
    { path: `${dir}/dir`, is: 'a directory' },
    { path: `${dir}/fifo`, is: 'a FIFO \\(named pipe\\)' },
    { path: `${dir}/zero`, is: 'a character device' },
  ];
  for (const c of cases) {
    const e = await refusal(c.path);
    t.equal(e.refusal, 'not-regular');
    t.equal(e.code, 'PA_FILE_REFUSED');
    t.match(e.message, new RegExp(`^${c.path} is ${c.is}, not a regular file; expected a regular file$`));
  }
});

t.test('a file over the cap is refused by its size, and one whose size lies by what is read', async (t) => {
  const dir = t.testdir({ big: 'B'.repeat(1025) });
  const e = await refusal(`${dir}/big`);
  t.equal(e.refusal, 'too-large');
  t.equal(e.message, `${dir}/big holds 1025 bytes; expected a file of at most 1024 bytes`);
  // /proc files report size 0 whatever they hold: only the bytes read can tell.
  const lying = await refusal('/proc/self/maps', { maxBytes: 16, timeoutMs: 5_000 });
  t.equal(lying.message, '/proc/self/maps holds more than 16 bytes; expected a file of at most 16 bytes');
  t.ok((await readBounded('/proc/self/stat', bounds)).length > 0, 'read, though its st_size is 0');
});

t.test('errno failures are passed on; an aborted read is refused without reading', async (t) => {
  const dir = t.testdir({ a: 'A' });
  await t.rejects(readBounded(`${dir}/missing`, bounds), { code: 'ENOENT' });
  const e = await refusal(`${dir}/a`, { ...bounds, signal: AbortSignal.abort() });
  t.equal(e.refusal, 'aborted');
});
