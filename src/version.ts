import { readFileSync } from 'node:fs';

// Read once from the package that ships this file, so `pilot-agent version` never drifts from package.json.
// This module runs from dist/ (tsc's output) or from dist/bundle/ (esbuild's), one level deeper.
function readPackage(): { name: string; version: string } {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pilot-agent' && pkg.version) return { name: pkg.name, version: pkg.version };
    } catch {
      // not this level
    }
  }
  throw new Error('package.json of pilot-agent not found beside dist/');
}
const pkg = readPackage();

export const agentName = pkg.name;
export const agentVersion = pkg.version;

/**
 * The Istio release this agent stands in for, sent as node metadata ISTIO_VERSION (unless ISTIO_META_ISTIO_VERSION
 * overrides it) and set in the image. istiod 1.5 parses it as a semver to gate features, so it must be an Istio
 * version, never this package's 0.x version. The Dockerfile's ENV carries the same value (checked by a test).
 */
export const istioVersion = '1.5.10';
