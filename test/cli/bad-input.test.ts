import t from 'tap';
import { runAgent, seedPodEnv, stubBin } from '../helpers/agent.js';

// Each bad input: exit 2, exactly one line on stderr that names the flag and the value, no stack trace.
const cases: { name: string; args: string[]; env?: Record<string, string>; expect: RegExp }[] = [
  { name: 'a bare number as a duration', args: ['bootstrap', '--drainDuration', '45'], expect: /"45" for --drainDuration: expected a Go duration/ },
  { name: 'a fractional drain duration', args: ['bootstrap', '--drainDuration', '1.5s'], expect: /"1\.5s" for --drainDuration: expected whole seconds/ },
  { name: 'a drain duration of an hour', args: ['bootstrap', '--drainDuration', '1h', '--parentShutdownDuration', '2h'], expect: /"1h0m0s" for --drainDuration: expected whole seconds from 1s to under 1h/ },
  { name: 'parent shutdown not longer than drain', args: ['bootstrap', '--drainDuration', '60s', '--parentShutdownDuration', '45s'], expect: /"45s" for --parentShutdownDuration: expected longer than --drainDuration \(1m0s\)/ },
  { name: 'a discovery address without a port', args: ['bootstrap', '--discoveryAddress', 'istiod.istio-system.svc'], expect: /"istiod\.istio-system\.svc" for --discoveryAddress: expected host:port/ },
  { name: 'a discovery port out of range', args: ['bootstrap', '--discoveryAddress', 'istiod:70000'], expect: /"istiod:70000" for --discoveryAddress/ },
  { name: 'a connect timeout above 30s', args: ['bootstrap', '--connectTimeout', '31s'], expect: /"31s" for --connectTimeout: expected a duration from 1ms to 30s/ },
  { name: 'an admin port of 0', args: ['bootstrap', '--proxyAdminPort', '0'], expect: /"0" for --proxyAdminPort: expected a port number from 1 to 65535/ },
  { name: 'a status port that is not a number', args: ['bootstrap', '--statusPort', 'http'], expect: /"http" for --statusPort/ },
  { name: 'an unknown auth policy', args: ['bootstrap', '--controlPlaneAuthPolicy', 'TLS'], expect: /"TLS" for --controlPlaneAuthPolicy: expected one of NONE, MUTUAL_TLS/ },
  { name: 'an unknown role', args: ['bootstrap', 'gateway'], expect: /"gateway" for role: expected sidecar or router/ },
  { name: 'a misspelt flag', args: ['bootstrap', '--drainDurations', '4s'], expect: /unknown flag --drainDurations \(did you mean --drainDuration\?\)/ },
  { name: 'a single-dash long flag', args: ['bootstrap', '-configPath', '/tmp'], expect: /unknown flag -configPath \(did you mean --configPath\?\)/ },
  { name: 'a flag without its value', args: ['bootstrap', '--configPath'], expect: /flag --configPath needs a value/ },
  { name: 'a bool that is not true or false', args: ['bootstrap', '--controlPlaneBootstrap=maybe'], expect: /"maybe" for --controlPlaneBootstrap: expected true or false/ },
  { name: 'a negative concurrency', args: ['bootstrap', '--concurrency=-1'], expect: /"-1" for --concurrency: expected a whole number/ },
  { name: 'a bad envoy log level', args: ['bootstrap', '--proxyLogLevel', 'verbose'], expect: /"verbose" for --proxyLogLevel/ },
  { name: 'a bad component log level', args: ['bootstrap', '--proxyComponentLogLevel', 'misc'], expect: /"misc" for --proxyComponentLogLevel: expected name:level pairs/ },
  { name: 'a bad agent log level', args: ['bootstrap', '--log_output_level', 'default:loud'], expect: /"default:loud" for --log_output_level/ },
  { name: 'an --ip that is not an address', args: ['bootstrap', '--ip', '10.1.2'], expect: /"10\.1\.2" for --ip: expected an IPv4 or IPv6 address/ },
  { name: 'an INSTANCE_IP that is not an address', args: ['bootstrap'], env: { INSTANCE_IP: 'pod-ip' }, expect: /"pod-ip" for INSTANCE_IP/ },
  { name: 'a non-numeric ENVOY_STATUS_PORT', args: ['bootstrap'], env: { ENVOY_STATUS_PORT: 'x' }, expect: /"x" for ENVOY_STATUS_PORT: expected a port number/ },
  { name: 'ISTIO_METAJSON that is not an object', args: ['bootstrap'], env: { ISTIO_METAJSON_LABELS: '[1,2]' }, expect: /"\[1,2\]" for ISTIO_METAJSON_LABELS: expected a JSON object/ },
  { name: 'a missing envoy binary', args: ['proxy', '--binaryPath', '/nonexistent/envoy'], expect: /"\/nonexistent\/envoy" for --binaryPath: expected an executable envoy binary/ },
  { name: 'an unreadable custom config file', args: ['bootstrap', '--customConfigFile', '/nonexistent.json'], expect: /"\/nonexistent\.json" for --customConfigFile: expected a readable file/ },
  { name: 'a missing template', args: ['bootstrap', '--templateFile', '/nonexistent.json'], expect: /cannot read "\/nonexistent\.json" \(--templateFile\): ENOENT/ },
  { name: 'an unknown command', args: ['proxi'], expect: /unknown command "proxi" \(did you mean proxy\?\)/ },
  { name: 'two roles', args: ['bootstrap', 'sidecar', 'router'], expect: /unexpected argument "router"/ },
  { name: 'a restart budget that is not a number', args: ['proxy', '--binaryPath', stubBin], env: { ENVOY_RESTART_BUDGET: 'ten' }, expect: /"ten" for ENVOY_RESTART_BUDGET: expected a whole number/ },
  { name: 'a back-off that is not a duration', args: ['proxy', '--binaryPath', stubBin], env: { ENVOY_RESTART_BACKOFF: '200' }, expect: /"200" for ENVOY_RESTART_BACKOFF: expected a Go duration/ },
  { name: 'an app probe table that is not JSON', args: ['bootstrap'], env: { ISTIO_KUBE_APP_PROBERS: '{nope' }, expect: /^error: invalid value for ISTIO_KUBE_APP_PROBERS: not JSON/ },
  { name: 'an app probe path outside /app-health', args: ['bootstrap'], env: { ISTIO_KUBE_APP_PROBERS: '{"/etc/passwd":{"httpGet":{"port":80}}}' }, expect: /key "\/etc\/passwd" must have the form \/app-health\/<container>\/livez\|readyz\|startupz/ },
  { name: 'an app probe with a named port', args: ['bootstrap'], env: { ISTIO_KUBE_APP_PROBERS: '{"/app-health/a/livez":{"httpGet":{"port":"http"}}}' }, expect: /\/app-health\/a\/livez: the port must be a number/ },
  { name: 'an app probe with two actions', args: ['bootstrap'], env: { ISTIO_KUBE_APP_PROBERS: '{"/app-health/a/livez":{"httpGet":{"port":80},"tcpSocket":{"port":80}}}' }, expect: /expected exactly one of httpGet, tcpSocket/ },
  { name: 'app metrics on an agent port', args: ['bootstrap'], env: { ISTIO_PROMETHEUS_ANNOTATIONS: '{"port":"15090"}' }, expect: /ISTIO_PROMETHEUS_ANNOTATIONS: port 15090 belongs to the agent or envoy/ },
  { name: 'a budget reset longer than a timer can wait', args: ['proxy', '--binaryPath', stubBin], env: { ENVOY_RESTART_BUDGET_RESET: '1000h' }, expect: /"1000h" for ENVOY_RESTART_BUDGET_RESET: expected a Go duration from 0s to 596h/ },
  { name: 'a base id envoy cannot scale', args: ['bootstrap', '--baseId', '500000000'], expect: /"500000000" for --baseId/ },
];

for (const c of cases) {
  t.test(`rejects ${c.name} with exit 2 and one line`, async (t) => {
    const r = await runAgent(c.args, { ...seedPodEnv, ...c.env });
    t.equal(r.code, 2, 'exit code');
    t.match(r.stderr, c.expect);
    t.equal(r.stderr.trimEnd().split('\n').length, 1, 'exactly one line');
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
    t.equal(r.stdout, '', 'nothing on stdout');
  });
}

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
