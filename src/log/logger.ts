import { pino, type Logger } from 'pino';

// PID 1 may be killed right after it logs; a synchronous destination means no line is lost.
// Local runs get pretty output by piping: `npm start` does `| pino-pretty` (same code path).
const destination = pino.destination({ dest: 1, sync: true });

export const rootLogger: Logger = pino(
  {
    level: process.env.PILOT_AGENT_LOG_LEVEL ?? 'info',
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
