// Alternating rounds: a machine warms up and cools down, so neither side may always go first.

/**
 * Run every side once per round, the order reversed each round (A B, B A, A B …), after one unmeasured
 * warm-up of each; returns each side's results, in round order.
 */
export async function alternate(rounds, sides, { warmUp = true } = {}) {
  const names = Object.keys(sides);
  if (warmUp) for (const name of names) await sides[name](-1);
  const results = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) results[name].push(await sides[name](round));
  }
  return results;
}
