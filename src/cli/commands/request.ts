import { AgentError, ErrorCodes, flagError } from '../../errors/index.js';
import { EXIT_REQUEST_FAILED } from '../../wait/exit-codes.js';
import { defaultPorts, requestFlags } from '../../wait/flags.js';
import { checkDebugPort, proxyRequest, requestUrl } from '../../wait/proxy-request.js';
import { flagHelp } from '../../flags/help.js';
import { parseArgs } from '../../flags/parse-args.js';

export { requestFlags };

export const requestHelp = flagHelp(
  'pilot-agent request [flags] <METHOD> <path> [body]',
  "Make an HTTP request to envoy's admin API (or the agent's status / envoy's health port) and print the\n" +
    'response body, nothing else. Exit 255 on a failed request or a status above 399 other than 404.',
  requestFlags,
);

/** Istio's http.Client timeout for `request`. */
const requestTimeoutMs = 60_000;
/** An HTTP method is a token (RFC 9110). */
const methodToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export async function requestCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv, requestFlags);
  if (parsed.help) {
    process.stdout.write(requestHelp);
    return 0;
  }
  const [method, path, body = '', extra] = parsed.positionals;
  if (method === undefined || path === undefined) {
    throw new AgentError(ErrorCodes.USAGE, 'expected <METHOD> <path> [body], e.g. pilot-agent request GET server_info');
  }
  if (extra !== undefined) throw new AgentError(ErrorCodes.USAGE, `unexpected argument ${JSON.stringify(extra)}: expected <METHOD> <path> [body]`);
  if (!methodToken.test(method)) throw new AgentError(ErrorCodes.USAGE, `invalid HTTP method ${JSON.stringify(method)}: expected a token such as GET or POST`);

  const admin = parsed.values.proxyAdminPort as number;
  const port = parsed.given.includes('debug-port') ? (parsed.values['debug-port'] as number) : admin;
  checkDebugPort(port, { admin, status: parsed.values.statusPort as number, health: healthPort() });

  const outcome = await proxyRequest(method, requestUrl(port, path), body, requestTimeoutMs);
  if (!outcome.ok) {
    process.stderr.write(`error: ${outcome.error}\n`);
    return EXIT_REQUEST_FAILED;
  }
  process.stdout.write(`${outcome.body}\n`); // Istio prints the body with fmt.Println
  return 0;
}

/** envoy's health listener port, as the agent reads it (ENVOY_STATUS_PORT, default 15021). */
function healthPort(): number {
  const raw = process.env.ENVOY_STATUS_PORT;
  if (raw === undefined || raw === '') return defaultPorts.health;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (n >= 1 && n <= 65535) return n;
  throw new AgentError(ErrorCodes.BAD_ENV, flagError('ENVOY_STATUS_PORT', raw, 'expected a port number from 1 to 65535').message);
}
