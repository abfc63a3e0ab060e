import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError, ErrorCodes } from '../errors/index.js';

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
    mkdirSync(configPath, { recursive: true, mode: 0o700 });
    writeFileSync(temp, json, { mode: 0o640 });
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new AgentError(ErrorCodes.WRITE, `cannot write bootstrap ${target}: ${(e as Error).message}`, { cause: e });
  }
  return target;
}

export function removeBootstrap(configPath: string, epoch: number): void {
  rmSync(bootstrapPath(configPath, epoch), { force: true });
}
