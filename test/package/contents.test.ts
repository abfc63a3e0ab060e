// The published package is the agent alone: the stub envoy, its validator and the xDS server are test tooling (tools/).
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { repoRoot } from '../helpers/agent.js';

t.test('npm pack carries the agent and no stub, validator or xDS server code', async (t) => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = (JSON.parse(out) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
  t.ok(files.includes('dist/cli/main.js'), 'the agent is in it');
  t.ok(files.includes('bin/pilot-agent'));
  t.same(files.filter((p) => /stub|envoy-api|xds-server|^tools\//.test(p)), [], 'nothing of the stub, its validator or the xDS server');
});
