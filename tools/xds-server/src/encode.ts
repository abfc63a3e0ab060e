// Packs a snapshot's resources into google.protobuf.Any once per snapshot, so a resource that cannot be encoded
// (or names a field the type does not have) fails setSnapshot() where the caller sees it, not on some stream later.
import { messageType } from './protos.js';
import { checkMessage } from './strict.js';
import { resourceName, resourcesOf, typeUrls, type Snapshot } from './types.js';

export interface PackedAny {
  readonly type_url: string;
  readonly value: Uint8Array;
}

export interface PackedResource {
  readonly name: string;
  readonly any: PackedAny;
}

export type PackedSnapshot = ReadonlyMap<string, readonly PackedResource[]>;

export function packSnapshot(snapshot: Snapshot): PackedSnapshot {
  const packed = new Map<string, PackedResource[]>();
  for (const typeUrl of Object.values(typeUrls)) {
    const type = messageType(typeUrl.slice(typeUrl.indexOf('/') + 1));
    packed.set(
      typeUrl,
      (resourcesOf(snapshot, typeUrl) ?? []).map((r) => {
        checkMessage(type, r, `xds-server: ${type.name} ${resourceName(typeUrl, r)}`);
        // fromObject packs nested `{'@type': …}` objects into Anys (protobufjs' google.protobuf.Any wrapper).
        return { name: resourceName(typeUrl, r), any: { type_url: typeUrl, value: type.encode(type.fromObject(r)).finish() } };
      }),
    );
  }
  return packed;
}
