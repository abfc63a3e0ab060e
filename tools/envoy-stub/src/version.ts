// What this stub claims to be. One made-up but well-formed build identity, so parsers of
// `--version` and `/server_info` see exactly the shapes a real Envoy prints.

export const ENVOY_VERSION = '1.40.0'; // the release the differential suite (test/differential/) checks the stub against
export const ENVOY_BUILD_SHA = '5a1e3b9c0d7f24e68a1b2c3d4e5f60718293a4b5';
export const ENVOY_BUILD_LABEL = `${ENVOY_BUILD_SHA}/${ENVOY_VERSION}/Clean/RELEASE/BoringSSL`;

/** HOT_RESTART_VERSION (11) "." sizeof(SharedMemory) on x86_64 glibc (8+8+2*40+8 = 104). */
export const HOT_RESTART_VERSION = '11.104';
export const HOT_RESTART_DISABLED = 'disabled';

/** What `envoy --version` prints on stdout: note the two spaces after "envoy". */
export function versionBanner(): string {
  return `\nenvoy  version: ${ENVOY_BUILD_LABEL}\n\n`;
}
