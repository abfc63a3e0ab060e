import type { Logger } from 'pino';
import type { CertFiles } from '../config/proxy-config.js';
import { metrics } from '../metrics/registry.js';
import { Debouncer } from './debounce.js';
import { ExpiryWatch } from './expiry.js';
import { PathWatcher } from './file-watch.js';
import { certRoles, hashCertMaterial, readCertMaterial, type CertMaterial } from './material.js';
import type { CertWatchSettings } from '../config/cert-watch.js';
import { validateCertMaterial, type Verdict } from './validate.js';
import { RejectedVerdicts } from './verdicts.js';

type Trigger = 'initial' | 'event' | 'rehash';

/**
 * chokidar drops a path's `change` events for 50 ms after each one it emits (a leading-edge throttle),
 * so a write landing in that window has no event of its own. Reading no sooner than this after the
 * last event means such a write has already happened when the files are read.
 */
const minQuietMs = 60;

export interface CertWatcherOptions {
  readonly files: CertFiles;
  readonly settings: CertWatchSettings;
  readonly log: Logger;
  /** A new, valid set of files is on disk: hot-restart envoy onto it (restart delivery). */
  readonly onValidChange: (reason: string) => void;
  /** Every set accepted, the one at start included, with its hash (SDS delivery serves it). */
  readonly onAccepted?: (material: CertMaterial, hash: string) => void;
  /** What the change log line says happens next; the default fits restart delivery. */
  readonly changedMessage?: string;
  readonly now?: () => number;
  /** The judge of a set of files (tests count its calls). */
  readonly validate?: (material: CertMaterial, now: number) => Verdict;
}

/**
 * Watches the certificate chain, key and root files and asks for a reload when their contents change
 * to something envoy can use. Events are debounced, then the set is hashed; a valid new hash becomes
 * the one envoy runs with, an invalid one is reported and otherwise ignored, so the running epoch keeps
 * serving and the next change is judged afresh. Restoring the files envoy already runs with is
 * "unchanged", not a reload.
 */
export class CertWatcher {
  /** Hash of the valid files the running envoy was started with (undefined: it has none). */
  #applied: string | undefined;
  /** The last rejected set, so a periodic re-hash does not repeat the same complaint. */
  #rejected: { hash: string; reason: string } | undefined;
  /** Contents already judged bad are not parsed again at every re-hash. */
  readonly #verdicts = new RejectedVerdicts();
  /** Abandons a read in progress on stop, so shutdown never waits on a file. */
  readonly #stopping = new AbortController();
  readonly #paths: PathWatcher;
  readonly #debounce: Debouncer;
  readonly #expiry: ExpiryWatch;
  #rehash: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #queued: Trigger | undefined;
  #stopped = false;

  readonly options: CertWatcherOptions;

  constructor(options: CertWatcherOptions) {
    this.options = options;
    const { files, settings, log } = options;
    this.#paths = new PathWatcher(certRoles.map((r) => files[r]), (event, path) => this.#onEvent(event, path), log);
    const quietMs = Math.max(settings.debounceMs, minQuietMs);
    this.#debounce = new Debouncer(quietMs, Math.max(quietMs * 10, 1_000), () => this.#trigger('event'));
    this.#expiry = new ExpiryWatch(settings.expiryWarningMs, log, options.now);
  }

  /** Watch first, then read what envoy starts with, so a change during that read is not lost. */
  async start(): Promise<void> {
    await this.#paths.start();
    this.#trigger('initial');
    await this.#running;
    const every = this.options.settings.rehashIntervalMs;
    if (every > 0 && !this.#stopped) this.#rehash = setInterval(() => this.#trigger('rehash'), every);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    this.#debounce.cancel();
    clearInterval(this.#rehash);
    await this.#paths.close();
    await this.#running;
  }

  #onEvent(event: string, path: string): void {
    this.options.log.debug({ event, path }, 'certificate file event');
    this.#debounce.poke();
  }

  /** One check at a time; triggers arriving meanwhile collapse into one more check (an event wins). */
  #trigger(kind: Trigger): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#queued = this.#queued === 'event' ? 'event' : kind;
      return;
    }
    this.#running = this.#check(kind)
      .catch((e: Error) => this.options.log.error({ err: e.message }, 'certificate check failed'))
      .finally(() => {
        this.#running = undefined;
        const next = this.#queued;
        this.#queued = undefined;
        if (next) this.#trigger(next);
      });
  }

  async #check(kind: Trigger): Promise<void> {
    const { log, files } = this.options;
    if (kind === 'rehash') this.#paths.refresh();
    const material = await readCertMaterial(files, this.#stopping.signal);
    if (this.#stopped) return;
    const hash = hashCertMaterial(material);
    if (hash === this.#applied) {
      this.#rejected = undefined;
      if (kind === 'event') {
        metrics.certReloads.inc({ result: 'unchanged' });
        log.info({ hash }, 'certificate files touched but their contents are the ones envoy runs with; nothing to do');
      }
      this.#expiry.check();
      return;
    }
    const now = (this.options.now ?? Date.now)();
    const verdict = this.#verdicts.get(hash, now) ?? (this.options.validate ?? validateCertMaterial)(material, now);
    if (!verdict.ok) {
      this.#verdicts.remember(hash, verdict);
      const repeated = this.#rejected?.hash === hash && this.#rejected.reason === verdict.reason;
      this.#rejected = { hash, reason: verdict.reason };
      if (repeated && kind === 'rehash') return;
      if (repeated) {
        metrics.certReloads.inc({ result: 'unchanged' });
        log.info({ hash }, 'certificate files touched; still the rejected contents');
      } else if (kind === 'initial' && verdict.absent) {
        log.info({ files }, 'certificate files not present; envoy starts without them and restarts once they appear and are valid');
      } else {
        metrics.certReloads.inc({ result: 'invalid' });
        const msg = kind === 'initial' ? 'certificate files at start are invalid; envoy starts anyway and restarts once they are valid' : 'certificate change rejected; the running envoy keeps serving';
        log.warn({ reason: verdict.reason, hash }, msg);
      }
      return;
    }
    this.#rejected = undefined;
    this.#applied = hash;
    this.#expiry.track(verdict.expiries);
    this.options.onAccepted?.(material, hash);
    if (kind === 'initial') {
      log.info({ hash, leaf: verdict.leaf }, 'certificates loaded');
      return;
    }
    metrics.certReloads.inc({ result: 'applied' });
    log.info({ hash, leaf: verdict.leaf, trigger: kind }, this.options.changedMessage ?? 'certificates changed; hot-restarting envoy');
    this.options.onValidChange('certificates changed');
  }
}
