import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError, ErrorCodes } from '../errors/index.js';
import { makeDirectory } from '../fs/directory.js';

export function bootstrapPath(configPath: string, epoch: number): string {
  return join(configPath, `envoy-rev${epoch}.json`);
}

/**
 * Write atomically (temp file in the same directory + rename), so envoy never reads half a file
 * and a crash never leaves one behind under the final name.
 */
export function writeBootstrap(configPath: string, epoch: number, json: string): string {
  const target = bootstrapPath(configPath, epoch);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    makeDirectory(configPath, 0o700);
    writeFileSync(temp, json, { mode: 0o640 });
    renameSync(temp, target);
  } catch (e) {
    removeQuietly(temp);
    throw new AgentError(ErrorCodes.WRITE, `cannot write bootstrap ${target}: ${(e as Error).message}`, { cause: e });
  }
  return target;
}

/** Cleanup after a failure: its own error (ENOTDIR, EISDIR, …) must never hide the failure's cause. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing more to do: the caller reports the original error
  }
}
