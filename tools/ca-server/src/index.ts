// Library entry: a local Istio CA (IstioCertificateService over TLS) for the CA client's tests.
export { fakeServiceAccountToken, startCaServer } from './server.js';
export type { CaRequestRecord, CaServer, CaServerOptions } from './server.js';
export { istiodDnsNames, makeCaPki } from './pki.js';
export type { CaPki, Validity } from './pki.js';
