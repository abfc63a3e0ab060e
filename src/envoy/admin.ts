import type { Client } from 'undici';

export interface AdminResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * One loopback client per envoy epoch, with probe-sized timeouts (undici's defaults are minutes).
 * Bodies are always read to the end so the connection can be reused.
 */
export class AdminClient {
  // undici is imported on first use: its ~55 ms of module loading then overlaps envoy's own start-up
  // instead of delaying the spawn.
  readonly #client: Promise<Client>;
  /**
   * A new connection per request until settle(): during a hot restart real Envoy's parent keeps answering
   * on admin connections it accepted before it handed the port over, until it exits (parentShutdownDuration),
   * so a kept-alive connection opened while the parent still owned the port would keep reaching the parent.
   */
  #fresh = true;

  constructor(host: string, port: number) {
    const origin = host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
    this.#client = import('undici').then(
      ({ Client }) =>
        new Client(origin, {
          keepAliveTimeout: 10_000,
          headersTimeout: 3_000,
          bodyTimeout: 3_000,
          connect: { timeout: 1_000 },
          pipelining: 1,
        }),
    );
  }

  get(path: string, timeoutMs = 3_000): Promise<AdminResponse> {
    return this.#request('GET', path, timeoutMs);
  }

  post(path: string, timeoutMs = 3_000): Promise<AdminResponse> {
    return this.#request('POST', path, timeoutMs);
  }

  /** The port is known to be this epoch's (it reported LIVE under its own epoch): keep connections alive. */
  settle(): void {
    this.#fresh = false;
  }

  async close(): Promise<void> {
    await (await this.#client).destroy();
  }

  async #request(method: 'GET' | 'POST', path: string, timeoutMs: number): Promise<AdminResponse> {
    const res = await (await this.#client).request({ method, path, signal: AbortSignal.timeout(timeoutMs), reset: this.#fresh });
    return { status: res.statusCode, body: await res.body.text() };
  }
}
