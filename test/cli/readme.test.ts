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
