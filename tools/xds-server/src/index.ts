// Library entry: a local xDS (ADS, state of the world) server for tests and `npm run start:envoy`.
export { adsService, startXdsServer } from './server.js';
export type { StreamRecord, XdsEvent, XdsServer, XdsServerOptions } from './server.js';
export type { HandshakeRecord, MtlsOptions } from './mtls-front.js';
export type { AckRecord, DiscoveryRequest, DiscoveryResponse, NackRecord, ResponseRecord } from './stream.js';
export { seedSnapshot, seedNames, endpointsFor } from './seed.js';
export type { SeedOptions } from './seed.js';
export { agentSdsConfig, sdsTlsListener } from './sds-listener.js';
export type { SdsListenerOptions } from './sds-listener.js';
export { typeUrls } from './types.js';
export type { Resource, ResourceKind, Snapshot, TypeUrl } from './types.js';
