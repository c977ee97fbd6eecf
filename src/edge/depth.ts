// How deeply a JSON value nests, measured without recursion: a value nested 100,000 levels deep
// (a 200 KB body) must be measured, not crash the stack the way recursive code (and js-yaml,
// and JSON.stringify) does.

/**
 * The nesting depth of a JSON-like value: a scalar is 0, `{}` and `[]` are 1, `{"a":[1]}` is 2.
 * Stops as soon as it knows the depth is over `limit` (then returns `limit + 1`).
 */
export function nestingDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  const stack: Array<readonly [object, number]> = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [node, depth] = next;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return limit + 1;
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}
