import { readFileSync } from 'node:fs';
import t from 'tap';
import { proxyFlags } from '../../src/config/proxy-flags.js';
import { repoRoot } from '../helpers/agent.js';

const readme = readFileSync(`${repoRoot}README.md`, 'utf8');

t.test('the README documents every proxy flag, including the ignored ones', async (t) => {
  for (const f of proxyFlags) t.match(readme, `\`--${f.name}`, `--${f.name}`);
});

t.test('the README shows the two set-up commands', async (t) => {
  t.match(readme, 'npm install && npm start');
  t.match(readme, 'npm test');
});

t.test('every istio-iptables example a reader could paste on their own machine is a --dry-run', async (t) => {
  // The lines of the shell blocks (```sh, ```bash): the examples meant to be pasted.
  const shellLines: string[] = [];
  let fence: string | undefined;
  for (const line of readme.split('\n')) {
    if (line.startsWith('```')) fence = fence === undefined ? line.slice(3).trim() : undefined;
    else if (fence === 'sh' || fence === 'bash') shellLines.push(line);
  }
  const commands = shellLines.filter((l) => /(^|\s)istio-iptables(\s|$)/.test(l) && !l.trimStart().startsWith('#'));
  t.ok(commands.length >= 2, `istio-iptables examples found (${commands.length})`);
  // --skip-rule-apply writes no rule (it only validates what is already there).
  t.same(commands.filter((c) => !/--dry-run|-n\b|--skip-rule-apply/.test(c)), [], 'no example rewrites the host\'s rules');
});

t.test('no document links or points outside the repository', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const { existsSync } = await import('node:fs');
  const { dirname, resolve } = await import('node:path');
  const docs = execFileSync('git', ['ls-files', '*.md'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean);
  t.ok(docs.length > 3, 'the tracked documents');
  for (const doc of docs) {
    const text = readFileSync(`${repoRoot}${doc}`, 'utf8');
    const urls = [...text.matchAll(/https?:\/\/[^\s)`'"]+/g)].map((m) => m[0]).filter((u) => !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(u));
    t.same(urls, [], `${doc}: no URL but loopback ones`);
    const links = [...text.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)].map((m) => m[1]!);
    const outside = links.filter((l) => !resolve(repoRoot, dirname(doc), l).startsWith(resolve(repoRoot)) || !existsSync(resolve(repoRoot, dirname(doc), l)));
    t.same(outside, [], `${doc}: every link is a file in the repository`);
    t.notMatch(text, /\/work\/|\.\.\/shared\//, `${doc}: no path into the machine's own directories`);
  }
});
