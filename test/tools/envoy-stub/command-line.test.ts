// The stub's command line behaves like Envoy's (TCLAP blocks, Envoy's own checks, exit codes).

import t from 'tap';
import { parseCommandLine } from '../../../tools/envoy-stub/src/cli/parse-command-line.js';
import { extractUint32 } from '../../../tools/envoy-stub/src/cli/tclap-parser.js';
import { spacePrint } from '../../../tools/envoy-stub/src/cli/tclap-output.js';
import { runStub } from '../../fixtures/stub/harness.js';

const exitOf = (argv: string[]) => {
  const cl = parseCommandLine(argv);
  if (cl.kind !== 'exit') throw new Error(`expected an exit for ${argv.join(' ')}`);
  return cl;
};

t.test('an unknown flag prints TCLAP\'s parse-error block and exits 1', async (t) => {
  const r = await runStub(t, t.testdir(), { args: ['--blah'] });
  t.equal(r.code, 1);
  const lines = r.stderr.split('\n');
  t.equal(lines[0], 'PARSE ERROR: Argument: --blah');
  t.equal(lines[1], '             Couldn\'t find match for argument');
  t.equal(lines[2], '');
  t.equal(lines[3], 'Brief USAGE: ');
  t.match(r.stderr, /For complete USAGE and HELP type: \n {3}envoy --help\n\n--blah -- Couldn't find match for argument\n$/);
  t.equal(r.stdout, '');
});

t.test('TCLAP errors name the flag and give Envoy\'s texts', async (t) => {
  const cases: [string[], string, string][] = [
    [['--base-id', '7', '--base-id', '8'], '(--base-id)', 'Argument already set!'],
    [['-l', 'info', '--log-level', 'debug'], '-l (--log-level)', 'Argument already set!'],
    [['--disable-hot-restart', '--disable-hot-restart'], '(--disable-hot-restart)', 'Argument already set!'],
    [['--concurrency', 'abc'], '(--concurrency)', "Couldn't read argument value from string 'abc'"],
    [['--restart-epoch'], '(--restart-epoch)', 'Missing a value for this argument!'],
    [['--drain-time-s=5'], '--drain-time-s=5', "Couldn't find match for argument"],
    [['serve'], 'serve', "Couldn't find match for argument"],
    [['--base-id', '1 2'], '(--base-id)', "More than one valid value parsed from string '1 2'"],
    [['--base-id', '4294967296'], '(--base-id)', "Couldn't read argument value from string '4294967296'"],
  ];
  for (const [argv, id, text] of cases) {
    const r = exitOf(argv);
    t.equal(r.code, 1, argv.join(' '));
    t.equal(r.stderr.split('\n')[0], `PARSE ERROR: Argument: ${id}`, argv.join(' '));
    t.ok(r.stderr.endsWith(`${id} -- ${text}\n`), argv.join(' '));
  }
});

t.test('Envoy\'s own checks print one line and exit 1, in Envoy\'s order', async (t) => {
  const cases: [string[], string][] = [
    [['--mode', 'bogus'], "error: unknown mode 'bogus'"],
    [['-l', 'loud'], "error: invalid log level specified 'loud'"],
    [['-l', 'loud', '--mode', 'bogus'], "error: invalid log level specified 'loud'"],
    [['--drain-strategy', 'slow'], "error: unknown drain-strategy 'serve'"],
    [['--drain-strategy', 'slow', '--mode', 'validate'], "error: unknown drain-strategy 'validate'"],
    [['--local-address-ip-version', 'v5'], "error: unknown IP address version 'v5'"],
    [['--use-dynamic-base-id', '--restart-epoch', '2'], 'error: cannot use --restart-epoch=2 with --use-dynamic-base-id'],
    [['--socket-path', '/tmp/x', '--socket-mode', 'foo'], "error: invalid socket-mode 'foo'"],
    [['--component-log-level', 'upstream'], "error: component log level not correctly specified 'upstream'"],
    [['--component-log-level', 'upstream:loud'], "error: invalid log level specified 'loud'"],
    [['--component-log-level', 'nosuch:debug'], "error: invalid component specified 'nosuch'"],
    [['--component-log-level', 'upstream:debug', '--enable-fine-grain-logging'], 'error: --component-log-level will not work with --enable-fine-grain-logging'],
    [['--stats-tag', 'foo:b.ar'], "error: misformatted stats-tag 'foo:b.ar' contains invalid char in 'b.ar'"],
    [['--stats-tag', 'foo'], "error: misformatted stats-tag 'foo'"],
    [['--mode', 'bogus', '--hot-restart-version'], "error: unknown mode 'bogus'"],
  ];
  for (const [argv, line] of cases) {
    const r = exitOf(argv);
    t.same({ code: r.code, stderr: r.stderr, stdout: r.stdout }, { code: 1, stderr: `${line}\n`, stdout: '' }, argv.join(' '));
  }
  const r = await runStub(t, t.testdir(), { args: ['--drain-strategy', 'bogus'] });
  t.same([r.code, r.stderr], [1, "error: unknown drain-strategy 'serve'\n"], 'the real process agrees');
});

t.test('--version prints the build banner on stdout and exits 0', async (t) => {
  const r = await runStub(t, t.testdir(), { args: ['--version'] });
  t.equal(r.code, 0);
  t.match(r.stdout, /^\nenvoy {2}version: [0-9a-f]{40}\/\d+\.\d+\.\d+\/Clean\/RELEASE\/BoringSSL\n\n$/);
});

t.test('--hot-restart-version prints on stderr without a newline, even past later errors', async (t) => {
  const r = await runStub(t, t.testdir(), { args: ['--hot-restart-version'] });
  t.same([r.code, r.stderr, r.stdout], [0, '11.104', '']);
  t.same(exitOf(['--hot-restart-version', '--disable-hot-restart']).stderr, 'disabled');
  t.same(exitOf(['--hot-restart-version', '--stats-tag', 'bad']).code, 0, 'stats-tag is checked after');
});

t.test('--help prints the full usage on stdout; -- ignores the rest', async (t) => {
  const help = exitOf(['--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /^\nUSAGE: \n\n {3}envoy  \[--stats-tag <string>\] \.\.\. \[--enable-core-dump\]/); // Envoy 1.40's order
  t.match(help.stdout, /-c <string>, {2}--config-path <string>\n {5}Path to configuration file/);
  t.match(help.stdout, /--stats-tag <string> {2}\(accepted multiple times\)/);
  t.equal(exitOf(['-h']).stdout, help.stdout);
  t.equal(parseCommandLine(['--', '--blah']).kind, 'run');
  t.equal(parseCommandLine(['--stats-tag', 'a:b', '--stats-tag', 'c:d']).kind, 'run', 'stats-tag may repeat');
});

t.test('defaults are Envoy\'s', async (t) => {
  const cl = parseCommandLine([]);
  if (cl.kind !== 'run') throw new Error('expected run');
  const o = cl.options;
  t.match(o, {
    baseId: 0, restartEpoch: 0, mode: 'serve', drainTimeS: 600, parentShutdownTimeS: 900, drainStrategy: 'gradual',
    socketPath: '@envoy_domain_socket', socketMode: 0, fileFlushIntervalMsec: 10000, localAddressIpVersion: 'v4',
    logFormat: '[%Y-%m-%d %T.%e][%t][%l][%n] [%g:%#] %v', logLevel: 2,
  });
  t.ok(o.concurrency >= 1);
  const fs = parseCommandLine(['--socket-path', '/tmp/s', '--concurrency', '0', '-l', 'warn', '--allow-unknown-fields']);
  if (fs.kind !== 'run') throw new Error('expected run');
  t.match(fs.options, { socketMode: 0o600, concurrency: 1, logLevel: 3, allowUnknownStaticFields: true });
});

t.test('uint32 values are read like an istream reads them', async (t) => {
  t.equal(extractUint32('42'), 42);
  t.equal(extractUint32(' 7'), 7);
  t.equal(extractUint32('-1'), 4294967295);
  t.throws(() => extractUint32('0x10'));
  t.throws(() => extractUint32('1.5'));
  t.equal(spacePrint('short', 75, 3, 0), '   short\n');
});
