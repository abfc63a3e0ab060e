// A throwaway PKI made with the openssl CLI for mutual-TLS tests: a root CA, a control-plane server certificate
// carrying the name the agent expects (a SPIFFE id as a URI SAN, istiod's DNS name as a DNS SAN; DNS localhost
// too), and workload certificates, each a --certDir set.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { CertSet } from '../fixtures/certs/pki.js';

export interface Pki {
  readonly root: string;
  readonly server: { readonly certChain: Buffer; readonly key: Buffer };
  /** A workload identity signed by the root, as the three files of a --certDir (default spiffe://cluster.local/ns/test/sa/<name>). */
  workload(name: string, identity?: string): CertSet;
}

const ssl = (dir: string, args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export function makePki(dir: string, serverSan: string): Pki {
  ssl(dir, ['req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/O=test/CN=mtls root', '-days', '2',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const leaf = (name: string, san: string): { cert: string; key: string } => {
    ssl(dir, ['req', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/O=test/CN=${name}`]);
    writeFileSync(`${dir}/${name}.ext`, `subjectAltName=${san}\n`);
    ssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
    return { cert: readFileSync(`${dir}/${name}.pem`, 'utf8'), key: readFileSync(`${dir}/${name}.key`, 'utf8') };
  };
  const server = leaf('istiod', `${serverSan.startsWith('spiffe://') ? 'URI' : 'DNS'}:${serverSan},DNS:localhost`);
  const root = readFileSync(`${dir}/ca.pem`, 'utf8');
  return {
    root,
    server: { certChain: Buffer.from(server.cert), key: Buffer.from(server.key) },
    workload(name, identity = `spiffe://cluster.local/ns/test/sa/${name}`) {
      const w = leaf(name, `URI:${identity}`);
      return { 'cert-chain.pem': w.cert, 'key.pem': w.key, 'root-cert.pem': root };
    },
  };
}
