import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { istioVersion } from '../../src/version.js';
import { repoRoot } from '../helpers/agent.js';

// The image cannot be built here (no Docker engine), so check what can be checked statically.
const lines = readFileSync(`${repoRoot}Dockerfile`, 'utf8').split('\n').filter((l) => !l.startsWith('#'));

t.test('every base image is pinned to a version', async (t) => {
  const froms = lines.filter((l) => l.startsWith('FROM '));
  t.ok(froms.length >= 3, 'multi-stage');
  for (const f of froms) {
    const image = f.split(/\s+/)[1]!;
    t.match(image, /:v?\d+\.\d+\.\d+/, `${image} has a version tag`);
    t.notMatch(image, /:latest$/);
  }
  // The image runs the Node the tests run on: the major of the `node` devDependency that pins it for npm scripts.
  const pkg = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { devDependencies: Record<string, string> };
  const major = /^\^?(\d+)\./.exec(pkg.devDependencies.node ?? '')?.[1];
  t.equal(major, '24', 'npm scripts run on Node 24 (the node package)');
  const nodeFroms = froms.filter((f) => f.startsWith('FROM node:'));
  t.ok(nodeFroms.length >= 2, 'build and final stages');
  for (const f of nodeFroms) t.match(f, new RegExp(`^FROM node:${major}\\.[\\d.]+-bookworm-slim( AS \\w+)?$`), `${f}: slim Debian, Node ${major}`);
  t.ok(froms.some((f) => f.startsWith('FROM envoyproxy/envoy:v1.40.')), 'envoy from the official image, the version the tests run (1.40)');
});

t.test('the build context leaves out installed packages, git history, local keys and build output', async (t) => {
  const ignored = readFileSync(`${repoRoot}.dockerignore`, 'utf8').split('\n').map((l) => l.trim());
  for (const entry of ['node_modules', '.git', '.local', '.envoy', 'dist']) t.ok(ignored.includes(entry), `${entry} ignored`);
});

t.test('a source change does not reinstall packages: npm ci runs before any source is copied', async (t) => {
  const install = lines.findIndex((l) => /^RUN npm ci\b/.test(l));
  const firstSource = lines.findIndex((l) => /^COPY (src|bin|bootstrap-templates|tsconfig)/.test(l));
  t.ok(install > 0 && firstSource > install, 'npm ci layer before the sources');
});

t.test('every COPY source from the build context exists in the repo', async (t) => {
  const copies = lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
  t.ok(copies.length > 0);
  for (const c of copies) {
    const parts = c.split(/\s+/).slice(1, -1);
    for (const src of parts) t.ok(existsSync(`${repoRoot}${src}`), `${src} exists`);
  }
});

t.test('the agent itself is PID 1: no init wrapper, envoy where the agent looks for it', async (t) => {
  const text = lines.join('\n');
  t.match(text, /^ENTRYPOINT \["\/usr\/local\/bin\/pilot-agent"\]$/m);
  t.notMatch(text, /tini|dumb-init/);
  t.match(text, /COPY --from=envoy \/usr\/local\/bin\/envoy \/usr\/local\/bin\/envoy/);
  t.match(text, /procps/);
  t.match(text, /ln -s \/usr\/local\/lib\/pilot-agent\/bin\/istio-iptables \/usr\/local\/bin\/istio-iptables/, 'istio-init runs istio-iptables from the same image');
  t.match(text, /iptables iproute2/);
  t.match(text, /COPY --from=build \/src\/bootstrap-templates/);
});

t.test('the image carries the agent only: the stub envoy (tools/) is neither copied nor built', async (t) => {
  const text = lines.join('\n');
  t.notMatch(text, /COPY[^\n]*tools/);
  t.notMatch(text, /envoy-stub/);
  t.match(text, /tsc -p tsconfig\.build\.json/, 'only the agent build config');
  t.match(text, /node scripts\/bundle-agent\.mjs/, 'the bundle bin/pilot-agent loads is built');
});

t.test('the image sets the Istio version the agent sends istiod, the same constant', async (t) => {
  t.ok(lines.includes(`ENV ISTIO_META_ISTIO_VERSION=${istioVersion}`), `ENV ISTIO_META_ISTIO_VERSION=${istioVersion}`);
});
