import t from 'tap';
import { readCertWatchSettings } from '../../src/config/cert-watch.js';
import { ErrorCodes } from '../../src/errors/index.js';

t.test('defaults: 100ms debounce (Istio FILE_DEBOUNCE_DURATION), 30s re-hash, 7 days warning, 2 min start-up wait', async (t) => {
  t.same(readCertWatchSettings({}), { debounceMs: 100, rehashIntervalMs: 30_000, expiryWarningMs: 604_800_000, startupWaitMs: 120_000 });
  t.same(readCertWatchSettings({ FILE_DEBOUNCE_DURATION: '', CERT_REHASH_INTERVAL: '' }).debounceMs, 100, 'empty means unset');
});

t.test('Go durations, including 0 (re-hash off) and long warning windows', async (t) => {
  t.same(readCertWatchSettings({ FILE_DEBOUNCE_DURATION: '1.5s', CERT_REHASH_INTERVAL: '0', CERT_EXPIRY_WARNING: '720h' }), {
    debounceMs: 1_500,
    rehashIntervalMs: 0,
    expiryWarningMs: 2_592_000_000,
    startupWaitMs: 120_000,
  });
  t.equal(readCertWatchSettings({ CERT_EXPIRY_WARNING: '87600h' }).expiryWarningMs, 315_360_000_000, 'ten years is a valid window');
});

t.test('a bad value is one BAD_ENV line naming the variable, the value and what was expected', async (t) => {
  const timer = 'expected a Go duration from 0s to 596h, such as 100ms, 30s or 168h';
  const cases: Array<[Record<string, string>, string]> = [
    [{ FILE_DEBOUNCE_DURATION: '100' }, `invalid value "100" for FILE_DEBOUNCE_DURATION: ${timer}`],
    [{ FILE_DEBOUNCE_DURATION: '-1s' }, `invalid value "-1s" for FILE_DEBOUNCE_DURATION: ${timer}`],
    [{ CERT_REHASH_INTERVAL: '600h' }, `invalid value "600h" for CERT_REHASH_INTERVAL: ${timer}`],
    [{ CERT_EXPIRY_WARNING: '7d' }, 'invalid value "7d" for CERT_EXPIRY_WARNING: expected a Go duration of 0s or more, such as 100ms, 30s or 168h'],
  ];
  for (const [env, message] of cases) t.throws(() => readCertWatchSettings(env), { code: ErrorCodes.BAD_ENV, message, exitCode: 2 }, message);
});
