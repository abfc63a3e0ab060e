import type { IncomingMessage } from 'node:http';

// node:http as Node's CommonJS object: an ESM import of it reads every export, and its lazy WebSocket
// getters load Node's bundled undici (~70 ms of CPU in each process, Node 22–24).
const { Agent, request } = process.getBuiltinModule('node:http');

export interface AdminResponse {
  readonly status: number;
  readonly body: string;
}

// Envoy's admin answers are small (a filtered /stats, /server_info); a runaway body must not grow memory.
const maxBodyBytes = 16 * 1024 * 1024;

/**
 * One loopback client per envoy epoch, on node:http: undici cost ~200 ms and 18 MiB of loading on the
 * start path, for a client that only ever talks to one local port. Timeouts are probe-sized, and bodies
 * are always read to the end so the connection can be reused.
 */
export class AdminClient {
  // One connection, like envoy's single-threaded admin: requests queue rather than open more.
  // Free sockets close after 10 s idle (the agent reads a server's Keep-Alive hint too).
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1, timeout: 10_000 });
  /**
   * A new connection per request until settle(): during a hot restart real Envoy's parent keeps answering
   * on admin connections it accepted before it handed the port over, until it exits (parentShutdownDuration),
   * so a kept-alive connection opened while the parent still owned the port would keep reaching the parent.
   */
  #fresh = true;

  private readonly host: string;
  private readonly port: number;

  constructor(
    host: string,
    port: number,
  ) {
    this.host = host;
    this.port = port;
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
    this.#agent.destroy();
  }

  async #request(method: 'GET' | 'POST', path: string, timeoutMs: number): Promise<AdminResponse> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      return await this.#once(method, path, signal, this.#fresh);
    } catch (err) {
      // A kept-alive connection the server closed while idle fails at once with a reset: the request never
      // reached envoy, so it is sent again, once, on a new connection (as Node's documentation advises).
      if (err instanceof StaleConnection && !signal.aborted) return this.#once(method, path, signal, true);
      throw err;
    }
  }

  #once(method: string, path: string, signal: AbortSignal, fresh: boolean): Promise<AdminResponse> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = request(
        { host: this.host, port: this.port, method, path, signal, agent: fresh ? false : this.#agent, headers: fresh ? { connection: 'close' } : {} },
        (res) => {
          answered = true;
          readBody(res).then((body) => resolve({ status: res.statusCode ?? 0, body }), reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => reject(req.reusedSocket && !answered && isReset(err) ? new StaleConnection(err) : err));
      req.end();
    });
  }
}

class StaleConnection extends Error {
  readonly original: Error;

  constructor(original: Error) {
    super(original.message);
    this.original = original;
  }
}

function isReset(err: NodeJS.ErrnoException): boolean {
  return err.code === 'ECONNRESET' || err.code === 'EPIPE';
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) res.destroy(new Error(`envoy admin answer over ${maxBodyBytes} bytes`));
      else chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject); // the timeout fired mid-body
    res.on('close', () => {
      if (!res.complete) reject(new Error('envoy admin connection closed mid-answer'));
    });
  });
}
