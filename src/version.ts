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
