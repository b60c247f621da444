/**
 * Where a file in an image comes from: the COPY that put it there, followed back to the build
 * context or to the stage it was copied from.
 */
import { posix } from 'node:path';
import { ancestry, copyPaths, inStage, type Stage } from './dockerfile.js';

/** A file's origin: a path in the build context, or an absolute path in another stage. */
export type Origin =
  | { from: 'context'; path: string }
  | { from: 'stage'; stage: string; path: string }
  | { from: 'none' };

/** The origin of `path` (absolute) in the stage, the latest COPY that covers it winning. */
export function originOf(stages: Stage[], stage: Stage, path: string): Origin {
  for (const owner of ancestry(stages, stage)) {
    for (const copy of [...owner.instructions].reverse()) {
      if (copy.keyword !== 'COPY') continue;
      const { sources, destination } = copyPaths(copy);
      const intoFolder = destination.endsWith('/') || sources.length > 1;
      for (const source of sources) {
        const target = inStage(
          stages,
          owner,
          intoFolder ? posix.join(destination, posix.basename(source)) : destination,
        );
        const rest = within(path, target);
        if (rest === undefined) continue;
        const origin = posix.join(source, rest);
        const from = copy.flags.from;
        return from === undefined
          ? { from: 'context', path: origin }
          : { from: 'stage', stage: from, path: origin };
      }
    }
  }
  return { from: 'none' };
}

/** The part of `path` below `folder` ("" for the folder itself), or undefined if outside it. */
export function within(path: string, folder: string): string | undefined {
  if (path === folder) return '';
  return path.startsWith(`${folder}/`) ? path.slice(folder.length + 1) : undefined;
}

const FLAGS_WITH_VALUE = new Set(['--import', '--require', '-r', '--loader', '--env-file']);

/** The script a `node …` command runs: its first argument that is neither a flag nor a value. */
export function scriptOf(command: string[]): string | undefined {
  if (command[0] !== 'node') return undefined;
  for (let index = 1; index < command.length; index++) {
    const word = command[index] ?? '';
    if (FLAGS_WITH_VALUE.has(word)) index++;
    else if (!word.startsWith('-')) return word;
  }
  return undefined;
}
