/** A bootstrap Envoy would refuse; the message is worded like Envoy's. */
export class ConfigError extends Error {}
