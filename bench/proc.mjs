// What /proc says about a process: memory now and at its peak, resetting that peak, and CPU time used.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const field = (text, name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1]);

/** VmRSS (now) and VmHWM (the peak since start or since the last resetPeak), in KiB. */
export function memoryKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: field(status, 'VmRSS'), hwm: field(status, 'VmHWM') };
}

/** Start VmHWM afresh from the current RSS (Linux ≥ 4.0), so the next peak belongs to what follows. */
export function resetPeak(pid) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU time the process has used so far, in ms (resolution 1/CLK_TCK s: 10 ms). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // [0] is field 3 (state)
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** True once the process is gone or a zombie. */
export function gone(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return true;
  }
}

export const mib = (kb) => kb / 1024;
