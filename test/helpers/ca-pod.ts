// The CA client's pod files for black-box tests: a projected token and istiod's root in a temp dir of their own,
// and the environment the injector gives istio-proxy with the two paths pointed at them (CA_TOKEN_FILE,
// CA_ROOT_CERT_FILE). The files may be rewritten while the agent runs: it reads both again at every request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Test } from 'tap';

export interface CaPod {
  readonly env: Record<string, string>;
  writeToken(token: string): void;
  removeToken(): void;
  writeRoot(pem: string): void;
}

export function caPod(t: Test, caPort: number, env: Record<string, string> = {}): CaPod {
  const dir = mkdtempSync(`${tmpdir()}/ca-pod-`);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return {
    env: {
      JWT_POLICY: 'third-party-jwt',
      PILOT_CERT_PROVIDER: 'istiod',
      CA_ADDR: `localhost:${caPort}`,
      CA_TOKEN_FILE: `${dir}/istio-token`,
      CA_ROOT_CERT_FILE: `${dir}/root-cert.pem`,
      SERVICE_ACCOUNT: 'app',
      ...env,
    },
    writeToken: (token) => writeFileSync(`${dir}/istio-token`, token),
    removeToken: () => rmSync(`${dir}/istio-token`, { force: true }),
    writeRoot: (pem) => writeFileSync(`${dir}/root-cert.pem`, pem),
  };
}

/** No certificate files mounted (the CA client's case) and SDS delivery. */
export const caAgentArgs = ({ dir }: { dir: string }): string[] => ['--certDelivery', 'sds', '--certDir', `${dir}/no-certs`];
