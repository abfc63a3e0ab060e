// TLS material given as files is read while Envoy builds the cluster or listener, so a missing file
// fails --mode validate too (checked against Envoy 1.40): private key first, then the chain, then
// the trusted CA, each with Envoy's message. SDS-delivered material is not read at start-up.

import { accessSync, constants } from 'node:fs';
import { ConfigError } from './config-error.js';
import { field, isObject } from './json-access.js';
import type { Json } from './proto-merge.js';

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function filename(source: Json | undefined): string | undefined {
  const name = isObject(source) ? field(source, 'filename') : undefined;
  return typeof name === 'string' ? name : undefined;
}

export function checkTlsFiles(transportSocket: Json | undefined): void {
  const typed = isObject(transportSocket) ? field(transportSocket, 'typed_config') : undefined;
  const common = isObject(typed) ? field(typed, 'common_tls_context') : undefined;
  if (!isObject(common)) return;
  const certs = field(common, 'tls_certificates');
  for (const cert of Array.isArray(certs) ? certs : []) {
    if (!isObject(cert)) continue;
    const key = filename(field(cert, 'private_key'));
    if (key !== undefined && !readable(key)) throw new ConfigError(`Failed to load incomplete private key from path: ${key}`);
    const chain = filename(field(cert, 'certificate_chain'));
    if (chain !== undefined && !readable(chain)) throw new ConfigError(`Failed to load incomplete certificate from ${chain}: certificate chain not set`);
  }
  const validation = field(common, 'validation_context');
  const ca = isObject(validation) ? filename(field(validation, 'trusted_ca')) : undefined;
  if (ca !== undefined && !readable(ca)) throw new ConfigError(`Invalid path: ${ca}`);
}
