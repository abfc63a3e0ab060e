// Put a rule plan in place — or, in dry-run, print exactly what would be run and touch nothing.
// Every external command is printed as Istio printed it, just before it runs.
import { randomInt } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IptablesConfig } from './config.js';
import { findLeftovers, preludeArgs, type Leftovers } from './existing-rules.js';
import { commandLine, failure, runOrFail, type Exec } from './exec.js';
import { perCommandArgs, restoreText } from './render.js';
import type { IpCommand, Rule, RulePlan } from './rules.js';

export interface ApplyIo {
  readonly out: (text: string) => void;
  readonly exec: Exec;
  readonly dryRun: boolean;
  readonly tmpDir: string;
}

interface FamilyTools {
  readonly iptables: string;
  readonly restore: string;
  readonly save: string;
  readonly filePrefix: string;
}

const v4Tools: FamilyTools = { iptables: 'iptables', restore: 'iptables-restore', save: 'iptables-save', filePrefix: 'iptables-rules' };
const v6Tools: FamilyTools = { iptables: 'ip6tables', restore: 'ip6tables-restore', save: 'ip6tables-save', filePrefix: 'ip6tables-rules' };

const noLeftovers: Leftovers = { prelude: new Map() };

export async function applyPlan(config: IptablesConfig, plan: RulePlan, io: ApplyIo): Promise<void> {
  try {
    for (const command of plan.ipCommands) await runIpCommand(command, io);
    // IPv4 always; IPv6 in restore form always too (an empty file on an IPv4 pod, as Istio does).
    await applyFamily(plan.v4, v4Tools, config, io);
    if (config.restoreFormat || config.enableInboundIpv6) await applyFamily(plan.v6, v6Tools, config, io);
  } finally {
    // What the tables look like now (also after a failure), for the init container's log.
    await dumpTables(v4Tools, io);
    if (config.enableInboundIpv6) await dumpTables(v6Tools, io);
  }
}

async function runIpCommand(command: IpCommand, io: ApplyIo): Promise<void> {
  if (command.purpose === 'tproxy-rule' && !io.dryRun) {
    // `ip rule add` happily adds a duplicate each run; add it only once.
    const [, , , , ...selector] = command.args; // drop "-f inet rule add"
    const shown = await io.exec('ip', ['-f', 'inet', 'rule', 'show', ...selector]);
    if (shown.code === 0 && shown.stdout.trim() !== '') return;
  }
  io.out(`${commandLine('ip', command.args)}\n`);
  if (io.dryRun) return;
  const result = await io.exec('ip', command.args);
  if (result.code === 0) return;
  if (command.purpose === 'ipv6-passthrough-address' && /exists|already assigned/i.test(result.stderr)) return; // a second run
  if (command.purpose === 'tproxy-route') {
    // Istio tolerates this one (the route usually exists already) but wants the table listing to work.
    io.out(`${commandLine('ip', ['route', 'show', 'table', 'all'])}\n`);
    const listing = await runOrFail(io.exec, 'ip', ['route', 'show', 'table', 'all']);
    io.out(listing.stdout);
    return;
  }
  throw failure('ip', command.args, result);
}

async function applyFamily(rules: readonly Rule[], tools: FamilyTools, config: IptablesConfig, io: ApplyIo): Promise<void> {
  const leftovers = io.dryRun ? noLeftovers : await readLeftovers(tools, config, io);
  if (config.restoreFormat) return applyRestore(rules, tools, leftovers, io);
  for (const args of [...preludeArgs(leftovers), ...perCommandArgs(rules)]) {
    io.out(`${commandLine(tools.iptables, args)}\n`);
    if (!io.dryRun) await runOrFail(io.exec, tools.iptables, args);
  }
}

async function applyRestore(rules: readonly Rule[], tools: FamilyTools, leftovers: Leftovers, io: ApplyIo): Promise<void> {
  const text = restoreText(rules, leftovers.prelude);
  const file = join(io.tmpDir, `${tools.filePrefix}-${unixNano()}.txt${randomInt(1e9)}`);
  io.out(`Writing following contents to rules file:  ${file}\n${text}\n`);
  const args = ['--noflush', file];
  if (io.dryRun) {
    io.out(`${commandLine(tools.restore, args)}\n`);
    return;
  }
  await writeFile(file, text, { flag: 'wx', mode: 0o600 });
  try {
    io.out(`${commandLine(tools.restore, args)}\n`);
    await runOrFail(io.exec, tools.restore, args);
  } finally {
    await rm(file, { force: true });
  }
}

/** Rules an earlier run left; when the tables cannot be read the restore will say why. */
async function readLeftovers(tools: FamilyTools, config: IptablesConfig, io: ApplyIo): Promise<Leftovers> {
  const result = await io.exec(tools.save, []).catch(() => undefined);
  if (!result || result.code !== 0) return noLeftovers;
  const found = findLeftovers(result.stdout, config.kubevirtInterfaces);
  if (found.prelude.size > 0) io.out(`Replacing the rules of an earlier run (${[...found.prelude.keys()].join(', ')} table) in the same transaction\n`);
  return found;
}

async function dumpTables(tools: FamilyTools, io: ApplyIo): Promise<void> {
  io.out(`${commandLine(tools.save, [])}\n`);
  if (io.dryRun) return;
  const result = await io.exec(tools.save, []).catch(() => undefined);
  if (result) io.out(result.stdout);
}

function unixNano(): string {
  return `${Date.now()}${String(randomInt(1e6)).padStart(6, '0')}`;
}
