import type { InjectConfig } from './inject-config.js';
import { iptablesCommand, type TrafficSettings } from './traffic.js';
import { imageRef } from './values.js';

// The init containers Istio 1.5 adds: istio-init (capture rules; istio-validation when the CNI plugin
// applies them instead) and, when core dumps are enabled, enable-core-dump.

export function initImage(cfg: InjectConfig): string {
  return cfg.image ?? imageRef(cfg.values.proxyInitImage, cfg.values);
}

export function initContainers(t: TrafficSettings, cfg: InjectConfig): Record<string, unknown>[] {
  const v = cfg.values;
  const out: Record<string, unknown>[] = [];
  if (t.mode !== 'NONE') {
    // Rules are applied as root with NET_ADMIN; with CNI the plugin has applied them and this only checks.
    const securityContext = v.cniEnabled
      ? { allowPrivilegeEscalation: v.privileged, capabilities: { drop: ['ALL'] }, privileged: v.privileged,
          readOnlyRootFilesystem: false, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 }
      : { allowPrivilegeEscalation: v.privileged, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
          privileged: v.privileged, readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 };
    out.push({
      name: v.cniEnabled ? 'istio-validation' : 'istio-init',
      image: initImage(cfg),
      imagePullPolicy: v.imagePullPolicy || 'Always',
      command: iptablesCommand(t, v.cniEnabled),
      resources: v.proxyInitResources,
      securityContext,
    });
  }
  if (v.enableCoreDump) {
    out.push({
      name: 'enable-core-dump',
      image: initImage(cfg),
      imagePullPolicy: v.imagePullPolicy || 'Always',
      command: ['/bin/sh'],
      args: ['-c', 'sysctl -w kernel.core_pattern=/var/lib/istio/core.proxy && ulimit -c unlimited'],
      resources: {},
      securityContext: { allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] }, privileged: true,
        readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 },
    });
  }
  return out;
}
