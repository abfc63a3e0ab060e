import { readFileSync } from 'node:fs';
import type { ProxyConfig } from '../config/proxy-config.js';
import { AgentError, ErrorCodes } from '../errors/index.js';
import { templateParams } from './params.js';
import { renderTemplate } from './template.js';

export interface GeneratedBootstrap {
  /** The config envoy gets, as JSON text. */
  readonly json: string;
  /** Where it came from: a template path, or the custom config file used as-is. */
  readonly source: string;
  /** True when --customConfigFile is used as-is (nothing to write per epoch). */
  readonly custom: boolean;
  readonly warnings: readonly string[];
}

/** Render the bootstrap for this config: --customConfigFile as-is, else the selected template. */
export async function generateBootstrap(config: ProxyConfig): Promise<GeneratedBootstrap> {
  if (config.customConfigFile) {
    return { json: readText(config.customConfigFile, ErrorCodes.USAGE), source: config.customConfigFile, custom: true, warnings: [] };
  }
  const source = config.templateFile;
  const template = parseTemplate(source, readText(source, ErrorCodes.TEMPLATE));
  const { params, warnings } = await templateParams(config);
  const rendered = renderTemplate(template, params, source);
  return { json: `${JSON.stringify(rendered, null, 2)}\n`, source, custom: false, warnings };
}

function readText(path: string, code: typeof ErrorCodes.USAGE | typeof ErrorCodes.TEMPLATE): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new AgentError(code, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function parseTemplate(source: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AgentError(
      ErrorCodes.TEMPLATE,
      `template ${source} is not JSON (${(e as Error).message}); templates are JSON with {{param}} placeholders, see bootstrap-templates/README.md`,
    );
  }
}
