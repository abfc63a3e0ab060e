// Deeply nested JSON parses fine (V8's JSON.parse does not recurse) but every recursive walk after
// it — rendering, structuredClone, JSON.stringify, the logger — overflows the stack and dies with
// "Maximum call stack size exceeded". Real Envoy bootstraps and node metadata are nested a dozen
// levels at most, so anything beyond this is refused before any recursive code sees it.
export const maxJsonDepth = 100;

/** True when `value` nests objects/arrays more than `limit` levels; measured without recursion. */
export function exceedsJsonDepth(value: unknown, limit: number = maxJsonDepth): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}
