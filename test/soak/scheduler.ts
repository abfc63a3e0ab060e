// Which action comes next, and when. Actions are dealt from shuffled decks that hold every kind (some
// twice), so each kind happens in every deck however the seed falls; a random pause separates them.
// Actions run one at a time: each waits for the agent's verdict, which keeps the accounting exact.
import { perform, type ActionKind, type ActionRecord, type ChaosContext } from './chaos-actions.js';

const deck: readonly ActionKind[] = ['crash', 'crash', 'hang', 'hupStorm', 'hupStorm', 'usr1Storm', 'rotateValid', 'rotateValid', 'rotateInvalid'];

export async function runChaos(c: ChaosContext): Promise<ActionRecord[]> {
  const records: ActionRecord[] = [];
  let hand: ActionKind[] = [];
  while (Date.now() < c.end && c.agent.proc.exitCode === null) {
    if (hand.length === 0) hand = c.random.shuffle(deck);
    const record = await perform(c, hand.shift()!);
    records.push(record);
    await new Promise((r) => setTimeout(r, c.random.int(100, 1_200)));
  }
  return records;
}
