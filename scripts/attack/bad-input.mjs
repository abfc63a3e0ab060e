// Bad flags, bad environment and special files given at start. Each case either must be rejected by the
// one-line contract (exit 2 before anything starts), or — for fuzzed values with no single right
// answer — be accepted (exit 0) or rejected by that contract: never exit 1, a stack trace or a hang.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { agentBin, cleanup, judgeAcceptOrReject, judgeBadInput, runBounded, stubBin, tempDir } from './lib.mjs';

const boundMs = 20_000;
const podEnv = { POD_NAME: 'attack-0', POD_NAMESPACE: 'attack', INSTANCE_IP: '10.1.2.3' };

function nested(depth) {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** Cases that must exit 2 with one line; `proxy` ones must also never start envoy. */
function mustReject(dir) {
  const fifo = `${dir}/fifo`;
  execFileSync('mkfifo', [fifo]);
  const file = (name, body) => {
    writeFileSync(`${dir}/${name}`, body);
    return `${dir}/${name}`;
  };
  const big = file('big.json', `{"x":"${'a'.repeat(5 * 1024 * 1024)}"}`);
  symlinkSync('/dev/zero', `${dir}/zero-link.json`);
  mkdirSync(`${dir}/a-dir`);
  const regular = file('regular-file', 'x');
  const templates = {
    'template /dev/zero': '/dev/zero',
    'template /dev/urandom': '/dev/urandom',
    'template FIFO': fifo,
    'template symlink to /dev/zero': `${dir}/zero-link.json`,
    'template directory': `${dir}/a-dir`,
    'template 5 MiB': big,
    'template null': file('null.json', 'null'),
    'template {"foo":1}': file('foo.json', '{"foo":1}'),
    'template []': file('arr.json', '[]'),
    'template "x"': file('str.json', '"x"'),
    'template 42': file('num.json', '42'),
    'template nested 200k': file('deep.json', nested(200_000)),
    'template nested 200k objects': file('deep-obj.json', '{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000)),
    'template not JSON (two lines)': file('nojson.json', '{\n  nope\n}\n'),
    'template unterminated placeholder': file('unterminated.json', '{"node":{"id":"{{nodeId"}}'),
    'template empty': file('empty.json', ''),
    'template binary': file('binary.json', Buffer.from([0xff, 0xfe, 0, 1, 2, 3])),
    'template /proc/self/mem': '/proc/self/mem',
  };
  const cases = [];
  for (const [name, path] of Object.entries(templates)) {
    cases.push({ name: `bootstrap ${name}`, argv: ['bootstrap', '--templateFile', path] });
    cases.push({ name: `proxy ${name}`, argv: ['proxy', '--templateFile', path], proxy: true });
    cases.push({ name: `ISTIO_BOOTSTRAP=${name}`, argv: ['bootstrap'], env: { ISTIO_BOOTSTRAP: path } });
  }
  for (const [name, path] of Object.entries({ '/dev/zero': '/dev/zero', FIFO: fifo, directory: `${dir}/a-dir`, '5 MiB': big, 'not JSON': `${dir}/nojson.json` })) {
    cases.push({ name: `proxy --customConfigFile ${name}`, argv: ['proxy', '--customConfigFile', path], proxy: true });
  }
  for (const [name, path] of Object.entries({ '/proc/x': '/proc/x', '/proc/self': '/proc/self', 'a regular file': regular, '/dev/null': '/dev/null', 'under a regular file': `${regular}/sub`, '/sys/kernel': '/sys/kernel/x' })) {
    cases.push({ name: `proxy --configPath ${name}`, argv: ['proxy', '--configPath', path], proxy: true });
  }
  const ports = (status, admin, envStatus, envProm) => ({ argv: ['proxy', '--statusPort', status, '--proxyAdminPort', admin], env: { ENVOY_STATUS_PORT: envStatus, ENVOY_PROMETHEUS_PORT: envProm }, proxy: true });
  cases.push({ name: 'statusPort = proxyAdminPort', ...ports('21000', '21000', '21001', '21002') });
  cases.push({ name: 'ENVOY_STATUS_PORT = statusPort', ...ports('21000', '21003', '21000', '21002') });
  cases.push({ name: 'ENVOY_PROMETHEUS_PORT = proxyAdminPort', ...ports('21000', '21003', '21001', '21003') });
  cases.push({ name: 'ENVOY_STATUS_PORT = ENVOY_PROMETHEUS_PORT', ...ports('21000', '21003', '21001', '21001') });
  for (const cmd of ['bootstrap', 'proxy', 'version', 'wait', 'request', 'kube-inject', 'istio-iptables']) {
    const argv = cmd === 'proxy' ? ['proxy'] : cmd === 'request' ? ['request', 'GET', '/ready'] : [cmd];
    cases.push({ name: `PILOT_AGENT_LOG_LEVEL=loud ${cmd}`, argv, env: { PILOT_AGENT_LOG_LEVEL: 'loud' }, proxy: cmd === 'proxy' });
  }
  const probers = {
    'bad header name': '{"/app-health/a/livez":{"httpGet":{"port":8080,"httpHeaders":[{"name":"bad header","value":"v"}]}}}',
    'CRLF in header value': '{"/app-health/a/livez":{"httpGet":{"port":8080,"httpHeaders":[{"name":"x","value":"a\\r\\nInjected: 1"}]}}}',
    'CRLF in path': '{"/app-health/a/livez":{"httpGet":{"port":8080,"path":"/x\\r\\nInjected: 1"}}}',
    'NUL in header value': '{"/app-health/a/livez":{"httpGet":{"port":8080,"httpHeaders":[{"name":"x","value":"a\\u0000b"}]}}}',
    'host with a space': '{"/app-health/a/livez":{"httpGet":{"port":8080,"host":"a b"}}}',
  };
  for (const [name, v] of Object.entries(probers)) cases.push({ name: `ISTIO_KUBE_APP_PROBERS ${name}`, argv: ['bootstrap'], env: { ISTIO_KUBE_APP_PROBERS: v } });
  cases.push({ name: '--concurrency 4294967295', argv: ['bootstrap', '--concurrency', '4294967295'] });
  cases.push({ name: '--concurrency 99999999999999999999', argv: ['bootstrap', '--concurrency', '99999999999999999999'] });
  for (const [what, bad] of Object.entries({ space: 'a b', tilde: 'a~b', newline: 'a\nb', tab: 'a\tb' })) {
    cases.push({ name: `POD_NAME with a ${what}`, argv: ['bootstrap'], env: { POD_NAME: bad } });
    cases.push({ name: `POD_NAMESPACE with a ${what}`, argv: ['bootstrap'], env: { POD_NAMESPACE: bad } });
    cases.push({ name: `--id with a ${what}`, argv: ['bootstrap', '--id', bad] });
    cases.push({ name: `--domain with a ${what}`, argv: ['bootstrap', '--domain', bad] });
  }
  cases.push({ name: 'usage: pilot-agent (no args)', argv: [], fuzz: true });
  for (const argv of [['proxy', 'extra'], ['wait', '--bogus'], ['istio-iptables', '--bogus'], ['kube-inject', '--bogus'], ['request'], ['bootstrap', '--help=maybe']]) {
    cases.push({ name: `usage: pilot-agent ${argv.join(' ')}`, argv });
  }
  return cases;
}

/** Fuzzed values for every flag and variable: accepted or rejected by the contract, nothing else. */
function fuzz() {
  const values = ['', ' ', '-1', '99999999999999999999', '0x10', 'NaN', '1e3', 'a\nb', '~', 'ü€😀', '%s%n%x', '../../../etc/passwd', '{{x}}', 'x'.repeat(100_000)];
  const flags = ['domain', 'serviceCluster', 'drainDuration', 'parentShutdownDuration', 'discoveryAddress', 'zipkinAddress',
    'proxyLogLevel', 'proxyComponentLogLevel', 'connectTimeout', 'proxyAdminPort', 'concurrency', 'controlPlaneAuthPolicy',
    'dnsRefreshRate', 'statusPort', 'statusListenAddress', 'trust-domain', 'controlPlaneBootstrap', 'ip', 'id', 'statsdUdpAddress',
    'serviceregistry', 'baseId', 'log_output_level', 'stsPort'];
  const envs = ['POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'ENVOY_STATUS_PORT', 'ENVOY_PROMETHEUS_PORT', 'ISTIO_KUBE_APP_PROBERS',
    'ISTIO_PROMETHEUS_ANNOTATIONS', 'ISTIO_METAJSON_LABELS', 'ISTIO_META_FOO', 'PILOT_AGENT_LOG_LEVEL', 'SERVICE_ACCOUNT'];
  const cases = [];
  // Every flag gets a few values, every value meets a few flags: enough coverage at a bounded count.
  flags.forEach((flag, i) => {
    for (let k = 0; k < 5; k++) {
      const v = values[(i * 5 + k) % values.length];
      cases.push({ name: `--${flag}=${JSON.stringify(v).slice(0, 24)}`, argv: ['bootstrap', `--${flag}=${v}`], fuzz: true });
    }
  });
  envs.forEach((name, i) => {
    for (let k = 0; k < 5; k++) {
      const v = values[(i * 3 + k) % values.length];
      cases.push({ name: `${name}=${JSON.stringify(v).slice(0, 24)}`, argv: ['bootstrap'], env: { [name]: v }, fuzz: true });
    }
  });
  return cases;
}

export async function attackBadInput(record) {
  const dir = tempDir('input');
  try {
    const cases = [...mustReject(dir), ...fuzz()];
    const queue = [...cases];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const events = `${dir}/events-${Math.random().toString(36).slice(2)}.jsonl`;
        const env = { ...podEnv, ENVOY_STUB_EVENT_LOG: events, ENVOY_STUB_SHM_DIR: dir, ...c.env };
        const argv = c.proxy ? [...c.argv, '--binaryPath', stubBin, ...(c.argv.includes('--configPath') ? [] : ['--configPath', `${dir}/cfg-${Math.random().toString(36).slice(2)}`])] : c.argv;
        const r = await runBounded([agentBin, ...argv], env, boundMs, { wrap: Boolean(c.proxy) });
        let verdict = c.fuzz ? judgeAcceptOrReject(r) : judgeBadInput(r, { logsOnStdout: Boolean(c.proxy) });
        if (verdict === 'held' && c.proxy && servedEnvoy(events)) verdict = 'envoy was started';
        record(c.fuzz ? 'fuzzed flags and env' : 'bad input at start', c.name, verdict, r.stderr.trim().split('\n')[0]?.slice(0, 200));
      }
    };
    await Promise.all([worker(), worker()]);
  } finally {
    cleanup(dir);
  }
}

/** Did the stub start to serve (a `--mode validate` run to judge a custom config is allowed)? */
function servedEnvoy(events) {
  if (!existsSync(events)) return false;
  return readFileSync(events, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).some((e) => e.event === 'start' && e.mode !== 'validate');
}
