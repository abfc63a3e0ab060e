// Packs a snapshot's resources into google.protobuf.Any once per snapshot, so a resource protobufjs cannot encode
// fails setSnapshot() where the caller sees it, not a write on some stream later. Note that fromObject drops
// unknown keys silently: a misspelt field is simply absent in what Envoy gets.
import { messageType } from './protos.js';
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
        // fromObject packs nested `{'@type': …}` objects into Anys (protobufjs' google.protobuf.Any wrapper).
        return { name: resourceName(typeUrl, r), any: { type_url: typeUrl, value: type.encode(type.fromObject(r)).finish() } };
      }),
    );
  }
  return packed;
}
