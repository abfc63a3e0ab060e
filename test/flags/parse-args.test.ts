import t from 'tap';
import { parseArgs } from '../../src/flags/parse-args.js';
import { proxyFlags } from '../../src/config/proxy-flags.js';

t.test('accepts --flag value, --flag=value, bare booleans and --bool=false', async (t) => {
  const p = parseArgs(['router', '--configPath', '/x', '--drainDuration=5s', '--log_as_json', '--controlPlaneBootstrap=false'], proxyFlags);
  t.same(p.positionals, ['router']);
  t.equal(p.values.configPath, '/x');
  t.equal(p.values.drainDuration, 5000);
  t.equal(p.values.log_as_json, true);
  t.equal(p.values.controlPlaneBootstrap, false);
  t.same(p.given, ['configPath', 'drainDuration', 'log_as_json', 'controlPlaneBootstrap']);
});

t.test('fills defaults as typed values', async (t) => {
  const p = parseArgs([], proxyFlags);
  t.equal(p.values.parentShutdownDuration, 60_000);
  t.equal(p.values.proxyAdminPort, 15000);
  t.equal(p.values.controlPlaneBootstrap, true);
  t.equal(p.help, false);
});

t.test('takes an empty value and values that start with a dash', async (t) => {
  const p = parseArgs(['--zipkinAddress', '', '--id', '-x', '--', '--not-a-flag'], proxyFlags);
  t.equal(p.values.zipkinAddress, '');
  t.equal(p.values.id, '-x');
  t.same(p.positionals, ['--not-a-flag']);
});

t.test('a later flag wins, as in pflag', async (t) => {
  t.equal(parseArgs(['--statusPort', '1', '--statusPort', '2'], proxyFlags).values.statusPort, 2);
});

t.test('recognises -h and --help', async (t) => {
  t.equal(parseArgs(['-h'], proxyFlags).help, true);
  t.equal(parseArgs(['--help'], proxyFlags).help, true);
});

t.test('suggests nothing for a flag unlike any other', async (t) => {
  t.throws(() => parseArgs(['--zzzzzzzzzzzz'], proxyFlags), { code: 'PA_UNKNOWN_FLAG', message: 'unknown flag --zzzzzzzzzzzz; see --help' });
});

t.test('pflag syntax: shorthands, clustered bools, Go bool spellings, the next argument taken as is', async (t) => {
  const specs = [
    { name: 'port', short: 'p', type: 'string', default: '1', help: '' },
    { name: 'dry-run', short: 'n', type: 'bool', default: 'false', help: '' },
    { name: 'fast', short: 'f', type: 'bool', default: 'true', help: '' },
  ] as const;
  const p = parseArgs(['-nf=F', '-p', '--dry-run', 'x', '-p9'], specs, { syntax: 'pflag' });
  t.same(p.values, { port: '9', 'dry-run': true, fast: false });
  t.same(p.given, ['dry-run', 'fast', 'port', 'port']);
  t.same(p.positionals, ['x']);
  t.equal(parseArgs(['-nh'], specs, { syntax: 'pflag' }).help, true);
  t.throws(() => parseArgs(['-q'], specs, { syntax: 'pflag' }), { code: 'PA_UNKNOWN_FLAG', message: "unknown shorthand flag 'q' in -q; see --help" });
  t.throws(() => parseArgs(['--dry-run=T'], specs), { message: 'invalid value "T" for -n/--dry-run: expected true or false' }, 'the agent syntax keeps its four spellings');
});

t.test('the agent syntax has no shorthands: a single dash is an unknown flag', async (t) => {
  t.throws(() => parseArgs(['-configPath', '/x'], proxyFlags), { code: 'PA_UNKNOWN_FLAG', message: 'unknown flag -configPath (did you mean --configPath?)' });
});
