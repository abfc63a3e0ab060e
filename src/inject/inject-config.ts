import type { MeshProxyConfig } from './mesh.js';
import type { Values } from './values.js';

/** Everything injection depends on besides the workload itself. */
export interface InjectConfig {
  readonly values: Values;
  readonly mesh: MeshProxyConfig;
  /** --image: the agent image for both injected containers (the proxyImage annotation still wins). */
  readonly image?: string;
  /** --nativeSidecar or ENABLE_NATIVE_SIDECARS=true: the default for pods without the nativeSidecar annotation. */
  readonly nativeSidecar: boolean;
  /** --wrapJobCommand: wrap a classic-sidecar Job's command so the proxy stops when it ends. */
  readonly wrapJobCommand: boolean;
  /** Stands in for the template hash of `sidecar.istio.io/status`: a digest of the effective settings. */
  readonly templateVersion: string;
}
