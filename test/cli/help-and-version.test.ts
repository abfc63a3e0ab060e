// --help for every command, every seed flag listed, and the version (split from the former bad-input.test.ts).
import t from 'tap';
import { runAgent } from '../helpers/agent.js';

t.test('prints help for every command and exits 0', async (t) => {
  for (const cmd of ['proxy', 'bootstrap', 'version']) {
    const r = await runAgent([cmd, '--help']);
    t.equal(r.code, 0, `${cmd} --help`);
    t.match(r.stdout, /Usage:/);
  }
  const top = await runAgent(['--help']);
  t.equal(top.code, 0);
  t.match(top.stdout, /Commands:[\s\S]*proxy[\s\S]*bootstrap[\s\S]*version/);
});

t.test('lists every seed flag in proxy --help', async (t) => {
  const r = await runAgent(['proxy', '--help']);
  for (const flag of ['domain', 'configPath', 'binaryPath', 'serviceCluster', 'drainDuration', 'parentShutdownDuration',
    'discoveryAddress', 'zipkinAddress', 'proxyLogLevel', 'proxyComponentLogLevel', 'connectTimeout', 'proxyAdminPort',
    'concurrency', 'controlPlaneAuthPolicy', 'dnsRefreshRate', 'statusPort', 'trust-domain', 'controlPlaneBootstrap',
    'ip', 'id', 'customConfigFile', 'templateFile', 'statsdUdpAddress', 'outlierLogPath', 'serviceregistry', 'baseId', 'certDir',
    'log_output_level', 'log_as_json']) {
    t.match(r.stdout, new RegExp(`--${flag}\\b`), flag);
  }
});

t.test('prints the version', async (t) => {
  const short = await runAgent(['version', '--short']);
  t.match(short.stdout, /^\d+\.\d+\.\d+\n$/);
  const long = await runAgent(['version']);
  t.match(long.stdout, /^pilot-agent version \d+\.\d+\.\d+ \(node v/);
});

t.test('every --help lines its columns up, shows each shorthand one way, and each default once', async (t) => {
  for (const cmd of ['proxy', 'bootstrap', 'wait', 'request', 'istio-iptables']) {
    const r = await runAgent([cmd, '--help']);
    const rows = r.stdout.split('\n').filter((l) => /^ {2}(-\w, | {4})--\S/.test(l));
    t.ok(rows.length > 1, `${cmd}: flag rows`);
    // The help column: where the text resumes after the flag and its type.
    const starts = rows.map((l) => /^\s+(?:-\w, )?--\S+(?: \w+)?\s{2,}/.exec(l)?.[0].length);
    t.same(new Set(starts).size, 1, `${cmd}: every help text starts in one column (${[...new Set(starts)].join(', ')})`);
    t.ok(rows.every((l) => / {2}(-\w, | {4})--/.test(l.slice(0, 8))), `${cmd}: long names start in one column, after a shorthand's place`);
    t.same(rows.filter((l) => (l.match(/\(default/g) ?? []).length > 1), [], `${cmd}: no flag states its default twice`);
  }
});
