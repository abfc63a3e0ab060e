// Types of generate-sds-api.mjs, for the test that checks the committed descriptor is fresh.
export function sdsApiDescriptor(): unknown;
export function sdsApiModule(): string;
