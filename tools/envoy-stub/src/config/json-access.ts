// Reading proto-JSON objects written in either spelling (snake_case or lowerCamelCase).

import { ConfigError } from './config-error.js';
import type { Json } from './proto-merge.js';

export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function field(obj: JsonObject | undefined, snake: string): Json | undefined {
  if (!obj) return undefined;
  const v = obj[snake] ?? obj[camel(snake)];
  return v === null ? undefined : v;
}

/** An optional sub-message; anything but an object is a type error. */
export function message(obj: JsonObject | undefined, snake: string, where: string): JsonObject | undefined {
  const v = field(obj, snake);
  if (v === undefined) return undefined;
  if (!isObject(v)) throw typeError(`${where}.${snake}`, 'an object', v);
  return v;
}

export function list(obj: JsonObject | undefined, snake: string, where: string): Json[] {
  const v = field(obj, snake);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw typeError(`${where}.${snake}`, 'an array', v);
  return v;
}

export function str(obj: JsonObject | undefined, snake: string, where: string): string | undefined {
  const v = field(obj, snake);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw typeError(`${where}.${snake}`, 'a string', v);
  return v;
}

export function typeError(path: string, expected: string, got: Json): ConfigError {
  return new ConfigError(
    `Unable to parse JSON as proto (INVALID_ARGUMENT:${path}: invalid value ${JSON.stringify(got)}, expected ${expected})`,
  );
}
