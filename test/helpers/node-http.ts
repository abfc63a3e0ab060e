// node:http for the tests, taken as Node's CommonJS object. `import … from 'node:http'` in ESM builds a facade
// that reads every export, and node:http's lazy WebSocket getters then load Node's bundled undici: ~70 ms of
// CPU in every process that imports it (Node 22–24), and most test files do through net.ts.
import type * as Http from 'node:http';

export const http: typeof Http = process.getBuiltinModule('node:http');
export type { Http };
