import { Scalar, isCollection, isMap, isSeq, parse, stringify, visit, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { sortedDeep } from './go-json.js';
import type { PodPatch } from './inject-pod.js';
import type { YamlPath } from './input-error.js';

// Applies a pod patch to the user's YAML document in place, so comments, key order and quoting of
// everything not injected survive. Injected nodes are written the way istioctl writes them: keys sorted,
// strings quoted as Go's YAML encoder quotes them ('*', "15001", "").

export function applyPodPatch(doc: Document, metaPath: YamlPath, specPath: YamlPath, patch: PodPatch): void {
  for (const [k, v] of patch.annotations) mapAt(doc, [...metaPath, 'annotations']).set(k, node(doc, v));
  for (const [k, v] of patch.labels) mapAt(doc, [...metaPath, 'labels']).set(k, node(doc, v));
  for (const rw of patch.probeRewrites) {
    const httpGet = mapAt(doc, [...specPath, 'containers', rw.containerIndex, rw.kind, 'httpGet']);
    httpGet.set('path', node(doc, rw.path));
    httpGet.set('port', node(doc, rw.port));
    if (rw.downgradeScheme) httpGet.set('scheme', node(doc, 'HTTP'));
  }
  for (const rw of patch.commandRewrites) {
    mapAt(doc, [...specPath, 'containers', rw.containerIndex]).set('command', node(doc, rw.command));
  }
  const nativeProxy = patch.proxyPlacement === 'init';
  const inits = seqAt(doc, [...specPath, 'initContainers'], patch.initContainers.length > 0 || nativeProxy);
  for (const c of patch.initContainers) inits?.items.push(node(doc, c));
  if (nativeProxy) inits!.items.push(node(doc, patch.proxy));
  const containers = seqAt(doc, [...specPath, 'containers'], true)!;
  if (patch.proxyPlacement === 'first') containers.items.unshift(node(doc, patch.proxy));
  else if (patch.proxyPlacement === 'last') containers.items.push(node(doc, patch.proxy));
  const volumes = seqAt(doc, [...specPath, 'volumes'], patch.volumes.length > 0);
  for (const v of patch.volumes) volumes?.items.push(node(doc, v));
  if (patch.fsGroup !== undefined) mapAt(doc, [...specPath, 'securityContext']).set('fsGroup', node(doc, patch.fsGroup));
  if (patch.terminationGracePeriodSeconds !== undefined) mapAt(doc, specPath).set('terminationGracePeriodSeconds', node(doc, patch.terminationGracePeriodSeconds));
  if (patch.dnsConfig !== undefined) mapAt(doc, specPath).set('dnsConfig', node(doc, patch.dnsConfig));
}

function mapAt(doc: Document, path: YamlPath): YAMLMap {
  const found = doc.getIn(path, true);
  if (isMap(found)) return found;
  // Absent or null (`annotations:` with nothing after it): start an empty mapping there.
  ensureParents(doc, path);
  doc.setIn(path, doc.createNode({}));
  return doc.getIn(path, true) as YAMLMap;
}

function seqAt(doc: Document, path: YamlPath, create: boolean): YAMLSeq | undefined {
  const found = doc.getIn(path, true);
  if (isSeq(found)) return found;
  if (!create) return undefined;
  ensureParents(doc, path);
  doc.setIn(path, doc.createNode([]));
  return doc.getIn(path, true) as YAMLSeq;
}

/** `metadata:` left empty reads as null; editing below it needs a mapping there first. */
function ensureParents(doc: Document, path: YamlPath): void {
  for (let n = 1; n < path.length; n++) {
    const parent = doc.getIn(path.slice(0, n), true);
    if (!isCollection(parent)) doc.setIn(path.slice(0, n), doc.createNode({}));
  }
}

function node(doc: Document, value: unknown): Node {
  const n = doc.createNode(sortedDeep(value)) as Node;
  visit(n, { Scalar: (_, s) => goStyle(s) });
  return n;
}

/** Go's yaml.v2 quoting: "" for strings that would read as another type, '' for other unsafe plain text. */
function goStyle(s: Scalar): void {
  if (typeof s.value !== 'string') return;
  const text = s.value;
  if (text.includes('\n')) {
    s.type = Scalar.BLOCK_LITERAL;
  } else if (text === '' || readsAsOtherType(text)) {
    s.type = Scalar.QUOTE_DOUBLE;
  } else if (/^["']/.test(stringify(text, { lineWidth: 0 }))) {
    s.type = Scalar.QUOTE_SINGLE;
  }
}

function readsAsOtherType(text: string): boolean {
  // Kubernetes reads YAML 1.1 (yes, on, 0x1F ...), this library 1.2: either reading must give a string back.
  return (['1.1', '1.2'] as const).some((version) => {
    try {
      const read: unknown = parse(text, { version, logLevel: 'silent' });
      return read !== text && (read === null || typeof read !== 'object');
    } catch {
      return false;
    }
  });
}
