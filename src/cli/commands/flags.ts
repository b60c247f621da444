/** Flags several commands share, read into values. */
import { secondsFlag } from '../arguments.js';
import type { CommandContext } from '../context.js';

/** Pause between reads of a running integration (--poll-interval, in seconds). */
export function pollIntervalMs(context: CommandContext): number {
  return secondsFlag(context.invocation.flags['poll-interval'], 'poll-interval', 1);
}
