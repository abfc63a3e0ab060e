import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Dispatcher, Pool } from 'undici';
import { agentRegistry, metrics } from '../metrics/registry.js';
import type { AppMetricsTarget } from '../config/app-metrics.js';

/**
 * Keep-alive connections to the metric sources, one small pool per origin (envoy's admin, the app),
 * so a scrape does not pay a TCP set-up per source. Closed with the status server.
 */
export class SourcePools {
  readonly #pools = new Map<string, { readonly generation: number; readonly pool: Promise<Pool> }>();

  /**
   * A new `generation` for an origin replaces its pool (the old one finishes what it carries, then closes):
   * another process now owns the port, and real Envoy's hot-restart parent keeps answering on connections it
   * accepted before the handover until it exits, so a kept-alive one would scrape the old epoch.
   */
  get(origin: string, generation = 0): Promise<Pool> {
    const known = this.#pools.get(origin);
    if (known?.generation === generation) return known.pool;
    if (known) void known.pool.then((p) => p.close()).catch(() => undefined);
    // undici is loaded on first scrape, off the start-up path.
    const pool = import('undici').then(({ Pool }) => new Pool(origin, { connections: 4, connect: { timeout: 2_000 } }));
    this.#pools.set(origin, { generation, pool });
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map(async (p) => (await p.pool).destroy()));
  }
}

export interface MetricsSources {
  readonly pools: SourcePools;
  /** Envoy's admin origin, e.g. http://127.0.0.1:15000, or undefined while no envoy runs. */
  readonly envoyOrigin: () => string | undefined;
  /** Changes when another envoy process takes the admin port (see SourcePools.get). */
  readonly envoyGeneration?: () => number;
  readonly app: AppMetricsTarget | undefined;
  readonly log: Logger;
}

const maxBytes = 10 * 1024 * 1024;
const defaultTimeoutMs = 10_000;

/** Why a source's copy stopped when the scraper hung up: not the source's failure. */
class ScraperGone extends Error {
  constructor() {
    super('scraper went away');
  }
}

/**
 * One scrape, three sources in a fixed order: the agent's registry, envoy's /stats/prometheus, the
 * application's metrics. Streamed (memory stays flat whatever envoy returns), each source capped at
 * 10 MiB and bounded by a timeout; a failing source is counted and logged, and the answer stays 200.
 * Only whole lines are relayed, so a source cut off mid-body cannot break the text format.
 */
export async function serveMergedMetrics(res: ServerResponse, sources: MetricsSources, scrapeTimeoutHeader: string | undefined): Promise<void> {
  const timeoutMs = scrapeTimeout(scrapeTimeoutHeader);
  // A scraper that hangs up (its scrape timeout, `curl | head`) aborts both upstream requests at once,
  // whatever stage they are in: nothing is held for a response nobody will read.
  const gone = new AbortController();
  let stage = 'writing the agent metrics';
  const onClose = (): void => {
    if (res.writableFinished) return;
    gone.abort(new ScraperGone());
    metrics.scrapesAbandoned.inc();
    sources.log.info({ at: stage }, 'metrics scrape abandoned by the client');
  };
  res.once('close', onClose);
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), gone.signal]);
  // Both upstream requests go out at once, so envoy's and the application's response times overlap;
  // bodies are still copied one after the other, and an unread body waits under TCP back-pressure.
  const envoyOrigin = sources.envoyOrigin();
  const envoy = envoyOrigin ? open(sources.pools, 'envoy', envoyOrigin, '/stats/prometheus', timeoutMs, signal, sources.envoyGeneration?.()) : undefined;
  const app = sources.app ? open(sources.pools, 'application', `http://127.0.0.1:${sources.app.port}`, sources.app.path, timeoutMs, signal) : undefined;
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  await write(res, await (await agentRegistry()).metrics());
  stage = 'relaying envoy';
  if (envoy) await relay(res, await envoy, sources.log);
  else metrics.scrapeFailures.inc({ source: 'envoy' });
  stage = 'relaying the application';
  if (app) await relay(res, await app, sources.log);
  stage = 'ending the response';
  res.end();
}

interface Upstream {
  readonly source: string;
  /** The response, or why there is none; never rejects. */
  readonly response: Promise<Dispatcher.ResponseData | Error>;
}

async function open(pools: SourcePools, source: string, origin: string, path: string, timeoutMs: number, signal: AbortSignal, generation?: number): Promise<Upstream> {
  const pool = await pools.get(origin, generation);
  const get = (): Promise<Dispatcher.ResponseData> =>
    pool.request({ method: 'GET', path, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, headers: { accept: 'text/plain;version=0.0.4' } }).then((r) => {
      // The body may fail (a reset, the timeout, the scraper leaving) while it waits its turn, or be
      // destroyed unread: without a listener from the start, that 'error' event would kill PID 1.
      // The copy reads the failure from the stream's state.
      r.body.on('error', () => undefined);
      return r;
    });
  // A kept-alive connection the source closed meanwhile (envoy's epoch handed its admin port over, an
  // idle timeout) fails before any answer; a GET is safe to send once more, on a fresh connection.
  const response = get()
    .catch((e: unknown) => (staleConnection(e) && !signal.aborted ? get() : Promise.reject(e)))
    .catch((e: unknown) => e as Error);
  return { source, response };
}

function staleConnection(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

async function relay(res: ServerResponse, { source, response }: Upstream, log: Logger): Promise<void> {
  const copied = { bytes: 0 };
  try {
    const upstream = await response;
    if (upstream instanceof Error) throw upstream;
    if (upstream.statusCode !== 200) {
      await upstream.body.dump().catch(() => undefined); // read off (bounded) so the connection is reused
      throw new Error(`status ${upstream.statusCode}`);
    }
    await copyWholeLines(upstream.body, res, copied);
  } catch (e) {
    if (e instanceof ScraperGone || (e as { cause?: unknown }).cause instanceof ScraperGone) return;
    metrics.scrapeFailures.inc({ source });
    log.warn({ source, err: (e as Error).message, bytes: copied.bytes }, 'metrics scrape failed');
  }
}

/**
 * Copy the body at the pace the scraper reads it (memory stays flat in the body size), holding back
 * a line until its newline arrives: a source cut off mid-line loses that line, and the merged text
 * still parses. A last line without a newline gets one, so sources never glue together.
 */
async function copyWholeLines(body: Dispatcher.ResponseData['body'], res: ServerResponse, copied: { bytes: number }): Promise<void> {
  let partial: Buffer = Buffer.alloc(0);
  for await (const chunk of body as AsyncIterable<Buffer>) {
    copied.bytes += chunk.length;
    if (copied.bytes > maxBytes) throw new Error(`more than ${maxBytes} bytes`);
    const lastNewline = chunk.lastIndexOf(0x0a);
    if (lastNewline < 0) {
      partial = Buffer.concat([partial, chunk]);
      continue;
    }
    const whole = chunk.subarray(0, lastNewline + 1);
    await write(res, partial.length ? Buffer.concat([partial, whole]) : whole);
    partial = chunk.subarray(lastNewline + 1);
  }
  if (partial.length) await write(res, Buffer.concat([partial, Buffer.from('\n')]));
}

/** Resolves once the chunk is taken or the scraper is gone (a closed socket never drains). */
function write(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (res.write(chunk) || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    // Both listeners go as soon as either fires: a long body under back-pressure must not pile them up.
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function scrapeTimeout(header: string | undefined): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 60_000) : defaultTimeoutMs;
}
