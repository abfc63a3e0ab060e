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
