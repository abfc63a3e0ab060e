// Istio 1.5.0's golden hello.yaml.injected, parsed and normalised for a semantic comparison (see
// test/fixtures/inject/README.md for what is normalised and the deliberate differences).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures, readDocs, type Obj } from './inject-helpers.js';

/** Drop what only Go's serialisation adds; blank the status hash. */
export function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value === null || typeof value !== 'object') {
    if (key === 'sidecar.istio.io/status' && typeof value === 'string') return value.replace(/"version":"[0-9a-f]*"/, '"version":""');
    return value;
  }
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'creationTimestamp' && v === null) continue;
    if (['resources', 'strategy', 'updateStrategy', 'status'].includes(k) && isZero(v)) continue;
    out[k] = normalise(v, k);
  }
  return out;
}

function isZero(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => x === 0);
}

/** The golden output with this agent's deliberate difference applied (readiness through envoy's 15021). */
export function expectedHello(): Obj {
  const [doc] = readDocs(readFileSync(`${fixtures}hello.yaml.injected`, 'utf8'));
  const proxy = doc!.spec.template.spec.containers.find((c: Obj) => c.name === 'istio-proxy');
  proxy.readinessProbe.httpGet.port = 15021;
  return normalise(doc) as Obj;
}

export const helloInput = (): string => readFileSync(`${fixtures}hello.yaml`, 'utf8');

/** Golden values plus a case's own, written as JSON (which is YAML) into the test's directory. */
export function valuesFile(dir: string, extra: Obj): string {
  const file = join(dir, 'values.yaml');
  const golden = { global: { hub: 'gcr.io/istio-testing', tag: 'latest', proxy: { image: 'proxyv2' }, proxy_init: { image: 'proxyv2' } } };
  writeFileSync(file, JSON.stringify(merge(golden, extra)));
  return file;
}

function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' ? merge(a[k], v) : v;
  }
  return out;
}

export const proxyOf = (doc: Obj): Obj => doc.spec.template.spec.containers.find((c: Obj) => c.name === 'istio-proxy');
export const setEnv = (doc: Obj, name: string, value: string | undefined, after?: string): void => {
  const envs: Obj[] = proxyOf(doc).env;
  const i = envs.findIndex((e) => e.name === name);
  if (value === undefined) envs.splice(i, 1);
  else if (i !== -1) envs[i] = { name, value };
  else envs.splice(envs.findIndex((e) => e.name === after) + 1, 0, { name, value });
};
