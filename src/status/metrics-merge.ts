import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Dispatcher, Pool } from 'undici';
import { metrics, registry } from '../metrics/registry.js';
import type { AppMetricsTarget } from '../config/app-metrics.js';

/**
 * Keep-alive connections to the metric sources, one small pool per origin (envoy's admin, the app),
 * so a scrape does not pay a TCP set-up per source. Closed with the status server.
 */
export class SourcePools {
  readonly #pools = new Map<string, Promise<Pool>>();

  get(origin: string): Promise<Pool> {
    let pool = this.#pools.get(origin);
    if (!pool) {
      // undici is loaded on first scrape, off the start-up path.
      pool = import('undici').then(({ Pool }) => new Pool(origin, { connections: 4, connect: { timeout: 2_000 } }));
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map(async (p) => (await p).destroy()));
  }
}

export interface MetricsSources {
  readonly pools: SourcePools;
  /** Envoy's admin origin, e.g. http://127.0.0.1:15000, or undefined while no envoy runs. */
  readonly envoyOrigin: () => string | undefined;
  readonly app: AppMetricsTarget | undefined;
  readonly log: Logger;
}

const maxBytes = 10 * 1024 * 1024;
const defaultTimeoutMs = 10_000;

/**
 * One scrape, three sources in a fixed order: the agent's registry, envoy's /stats/prometheus, the
 * application's metrics. Streamed (memory stays flat whatever envoy returns), each source capped at
 * 10 MiB and bounded by a timeout; a failing source is counted and logged, and the answer stays 200.
 */
export async function serveMergedMetrics(res: ServerResponse, sources: MetricsSources, scrapeTimeoutHeader: string | undefined): Promise<void> {
  const timeoutMs = scrapeTimeout(scrapeTimeoutHeader);
  // Both upstream requests go out at once, so envoy's and the application's response times overlap;
  // bodies are still copied one after the other, and an unread body waits under TCP back-pressure.
  const envoyOrigin = sources.envoyOrigin();
  const envoy = envoyOrigin ? open(sources.pools, 'envoy', envoyOrigin, '/stats/prometheus', timeoutMs) : undefined;
  const app = sources.app ? open(sources.pools, 'application', `http://127.0.0.1:${sources.app.port}`, sources.app.path, timeoutMs) : undefined;
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  await write(res, await registry.metrics());
  if (envoy) await relay(res, await envoy, sources.log);
  else metrics.scrapeFailures.inc({ source: 'envoy' });
  if (app) await relay(res, await app, sources.log);
  res.end();
}

interface Upstream {
  readonly source: string;
  /** The response, or why there is none; never rejects. */
  readonly response: Promise<Dispatcher.ResponseData | Error>;
}

async function open(pools: SourcePools, source: string, origin: string, path: string, timeoutMs: number): Promise<Upstream> {
  const pool = await pools.get(origin);
  const signal = AbortSignal.timeout(timeoutMs);
  const get = (): Promise<Dispatcher.ResponseData> =>
    pool.request({ method: 'GET', path, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, headers: { accept: 'text/plain;version=0.0.4' } });
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
  let bytes = 0;
  let endsWithNewline = true;
  try {
    const upstream = await response;
    if (upstream instanceof Error) throw upstream;
    if (upstream.statusCode !== 200) {
      await upstream.body.dump();
      throw new Error(`status ${upstream.statusCode}`);
    }
    if (res.destroyed) {
      upstream.body.destroy(); // an unread body would hold its pooled connection forever
      throw new Error('scraper went away');
    }
    // pipe() moves chunks at the pace the scraper reads them: memory stays flat in the body size.
    await new Promise<void>((resolve, reject) => {
      const body = upstream.body;
      body.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        endsWithNewline = chunk[chunk.length - 1] === 0x0a;
        if (bytes > maxBytes) body.destroy(new Error(`more than ${maxBytes} bytes`));
      });
      body.once('end', resolve);
      body.once('error', reject);
      res.once('close', () => body.destroy(new Error('scraper went away')));
      body.pipe(res, { end: false });
    });
  } catch (e) {
    metrics.scrapeFailures.inc({ source });
    log.warn({ source, err: (e as Error).message, bytes }, 'metrics scrape failed');
  } finally {
    // A cut-off source must not glue its half line onto the next source's first one.
    if (!endsWithNewline) await write(res, '\n');
  }
}

async function write(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (!res.write(chunk) && !res.destroyed) await Promise.race([once(res, 'drain'), once(res, 'close')]);
}

function scrapeTimeout(header: string | undefined): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 60_000) : defaultTimeoutMs;
}
