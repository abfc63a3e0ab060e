import { exceedsJsonDepth, maxJsonDepth } from '../config/json-depth.js';
import type { ProxyConfig } from '../config/proxy-config.js';
import { AgentError, ErrorCodes } from '../errors/index.js';
import { readRegularFileSync, startupFileCapBytes, UnreadableFileError } from '../fs/read-regular-file.js';
import { templateParams } from './params.js';
import { checkBootstrapShape } from './shape.js';
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
    const json = readInput(config.customConfigFile, '--customConfigFile', ErrorCodes.USAGE);
    return { json, source: config.customConfigFile, custom: true, warnings: [] };
  }
  const source = config.templateFile;
  const template = parseTemplate(source, readInput(source, config.templateOrigin, ErrorCodes.TEMPLATE));
  const { params, warnings } = await templateParams(config);
  const rendered = renderTemplate(template, params, source);
  checkBootstrapShape(rendered, source, config.proxyAdminPort);
  return { json: `${JSON.stringify(rendered, null, 2)}\n`, source, custom: false, warnings };
}

/** A regular file of at most 1 MiB: a FIFO, a device or a huge file would block or exhaust memory. */
function readInput(path: string, origin: string, code: typeof ErrorCodes.USAGE | typeof ErrorCodes.TEMPLATE): string {
  try {
    return readRegularFileSync(path, startupFileCapBytes);
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    throw new AgentError(code, `cannot read ${JSON.stringify(path)} (${origin}): ${e.reason}; expected a regular file of at most 1 MiB`);
  }
}

function parseTemplate(source: string, text: string): unknown {
  let template: unknown;
  try {
    template = JSON.parse(text);
  } catch (e) {
    // V8 quotes the offending text, line breaks included: escape them to keep the error one line.
    const detail = (e as Error).message.replace(/\r\n|\r|\n/g, '\\n');
    throw new AgentError(
      ErrorCodes.TEMPLATE,
      `template ${source} is not JSON (${detail}); templates are JSON with {{param}} placeholders, see bootstrap-templates/README.md`,
    );
  }
  // Rendering walks the template recursively: refuse what would overflow the stack.
  if (exceedsJsonDepth(template, maxJsonDepth)) {
    throw new AgentError(ErrorCodes.TEMPLATE, `template ${source} is nested more than ${maxJsonDepth} levels deep; envoy bootstraps need far fewer`);
  }
  return template;
}
