import { pino, type Logger } from 'pino';

// PID 1 may be killed right after it logs; a synchronous destination means no line is lost.
// Local runs get pretty output by piping: `npm start` does `| pino-pretty` (same code path).
const destination = pino.destination({ dest: 1, sync: true });

/** Every level pino knows, plus "silent". */
export const agentLogLevels: readonly string[] = [...Object.keys(pino.levels.values), 'silent'];

// PILOT_AGENT_LOG_LEVEL is read at import time, before any command runs. pino would throw on an
// unknown level right here (a stack trace for every command), so a bad value starts the logger at
// info and is kept for the CLI to report as a one-line, exit-2 error.
const requestedLevel = process.env.PILOT_AGENT_LOG_LEVEL ?? '';
const levelKnown = requestedLevel === '' || agentLogLevels.includes(requestedLevel);

/** Why PILOT_AGENT_LOG_LEVEL cannot be used, or undefined when it can. */
export const logLevelEnvProblem: string | undefined = levelKnown
  ? undefined
  : `invalid value ${JSON.stringify(requestedLevel)} for PILOT_AGENT_LOG_LEVEL: expected one of ${agentLogLevels.join(', ')}`;

export const rootLogger: Logger = pino(
  {
    level: levelKnown && requestedLevel !== '' ? requestedLevel : 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  destination,
);

export function logger(component: string): Logger {
  return rootLogger.child({ component });
}

/** Map Istio's --log_output_level ("default:info,ads:debug" or "warn") to a pino level. */
export function setLogLevel(level: string): void {
  rootLogger.level = level;
}
