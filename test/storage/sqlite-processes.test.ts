/**
 * Two processes on one SQLite file, as two replicas of the service would be: the database, not
 * the memory of either, decides which of them claims a resource id.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../src/storage/open-store.js';
import type { StartOutcome } from '../../src/storage/store.js';

const STARTER = fileURLToPath(new URL('./support/racing-starter.ts', import.meta.url));
const ROUNDS = 40;

let folder = '';

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sqlite-processes-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

it('lets one of two processes claim each resource id, telling the other who holds it', async () => {
  const file = join(folder, 'shared.db');
  // Migrated here first, so the two processes race on claims and not on the schema.
  await (await openStore(file)).close();

  const names = ['replica-a', 'replica-b'] as const;
  const starters = names.map((name) => startRacer(file, name));
  await Promise.all(starters.map(nextMessage));
  const results = starters.map(nextMessage);
  for (const starter of starters) starter.send('go');
  const [a, b] = (await Promise.all(results)).map(outcomesOf);

  for (let round = 0; round < ROUNDS; round += 1) {
    const pair = [a?.[round], b?.[round]];
    const winner = pair[0]?.started === true ? `${names[0]}-${round}` : `${names[1]}-${round}`;
    expect(pair.filter((outcome) => outcome?.started)).toHaveLength(1);
    expect(pair).toContainEqual({
      started: false,
      reason: 'claimed',
      claim: { kind: 'caBundle', id: `bundle-${round}` },
      heldBy: winner,
    });
  }
});

function startRacer(file: string, name: string): ChildProcess {
  return fork(STARTER, [file, name, String(ROUNDS)], { execArgv: ['--import', 'tsx'] });
}

/** The process's next message; an error if it exits first, so a crash fails fast. */
async function nextMessage(child: ChildProcess): Promise<unknown> {
  const exited = once(child, 'exit').then(
    ([code]) => new Error(`a racing process exited with ${String(code)} before answering`),
  );
  const answered = once(child, 'message').then(([message]: unknown[]) => ({ message }));
  const first = await Promise.race([answered, exited]);
  if (first instanceof Error) throw first;
  return first.message;
}

function outcomesOf(result: unknown): StartOutcome[] {
  const { outcomes, error } = result as { outcomes?: StartOutcome[]; error?: string };
  if (outcomes === undefined) throw new Error(`a racing process failed: ${error ?? 'no answer'}`);
  return outcomes;
}
