import { readFileSync } from 'node:fs';

// Read once from the package that ships this file, so `pilot-agent version` never drifts from package.json.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export const agentName = pkg.name;
export const agentVersion = pkg.version;
