// Library entry: a local Istio CA (IstioCertificateService over TLS) for the CA client's tests.
export { fakeServiceAccountToken, startCaServer } from './server.js';
export type { CaRequestRecord, CaServer, CaServerOptions } from './server.js';
export type { Validity } from './pki.js';
