/**
 * A reader for the part of the Dockerfile syntax this project uses: stages, their instructions
 * with --flags, exec-form (JSON) arguments and ENV pairs. Enough to check the file without an
 * engine, not a general parser.
 */
import { posix } from 'node:path';

/** One instruction: its keyword in capitals, its leading --flags and the rest of its line. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  args: string;
}

/** A build stage: the image or stage it starts FROM, its name and its instructions. */
export interface Stage {
  name: string | undefined;
  base: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, in order. Throws on an instruction before the first FROM. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of logicalLines(text).map(parseInstruction)) {
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`${instruction.keyword} comes before any FROM`);
    stage.instructions.push(instruction);
  }
  return stages;
}

/** Continuation lines joined, comment lines and blank lines dropped. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    // Docker drops comment lines even inside a continued instruction.
    if (line.trim().startsWith('#') || line.trim() === '') continue;
    if (line.trimEnd().endsWith('\\')) {
      pending += `${line.trimEnd().slice(0, -1)} `;
      continue;
    }
    lines.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending !== '') lines.push(pending.trim());
  return lines;
}

function parseInstruction(line: string): Instruction {
  const [keyword = '', ...words] = line.split(/\s+/);
  const flags: Record<string, string> = {};
  let rest = line.slice(keyword.length).trim();
  for (const word of words) {
    if (!word.startsWith('--')) break;
    const [name = '', value = 'true'] = word.slice(2).split(/=(.*)/s);
    flags[name] = value;
    rest = rest.slice(word.length).trim();
  }
  return { keyword: keyword.toUpperCase(), flags, args: rest };
}

/** The words of an exec-form (JSON array) argument, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const words: unknown = JSON.parse(args);
  if (!Array.isArray(words) || !words.every((word) => typeof word === 'string')) {
    throw new Error(`not an array of strings: ${args}`);
  }
  return words;
}

/** The command of a HEALTHCHECK in exec form; throws on the shell form or HEALTHCHECK NONE. */
export function healthCheckCommand(healthCheck: Instruction): string[] {
  const words = /^CMD\s+/.test(healthCheck.args)
    ? execForm(healthCheck.args.replace(/^CMD\s+/, ''))
    : undefined;
  if (words === undefined) throw new Error(`not an exec-form HEALTHCHECK: ${healthCheck.args}`);
  return words;
}

/** The stage of that name; throws when there is none. */
export function stageNamed(stages: Stage[], name: string): Stage {
  const stage = stages.find((candidate) => candidate.name === name);
  if (stage === undefined) throw new Error(`no stage named ${name}`);
  return stage;
}

/** The stage followed by the stages it is built FROM, nearest first. */
export function ancestry(stages: Stage[], stage: Stage): Stage[] {
  const parent = stages.find((candidate) => candidate.name === stage.base);
  return parent === undefined ? [stage] : [stage, ...ancestry(stages, parent)];
}

/** The image a stage ultimately starts from. */
export function baseImage(stages: Stage[], stage: Stage): string {
  return ancestry(stages, stage).at(-1)?.base ?? stage.base;
}

/** Every instruction with that keyword, in this stage and those it is built FROM. */
export function inherited(stages: Stage[], stage: Stage, keyword: string): Instruction[] {
  return ancestry(stages, stage)
    .reverse()
    .flatMap((each) => each.instructions.filter((instruction) => instruction.keyword === keyword));
}

/** The last instruction with that keyword that applies to the stage (CMD, USER, WORKDIR…). */
export function lastInherited(stages: Stage[], stage: Stage, keyword: string): Instruction {
  const instruction = inherited(stages, stage, keyword).at(-1);
  if (instruction === undefined) throw new Error(`stage ${stage.name ?? '?'} has no ${keyword}`);
  return instruction;
}

/** The shell commands the stage and its ancestors RUN, each `a && b` taken apart. */
export function commands(stages: Stage[], stage: Stage): string[] {
  return inherited(stages, stage, 'RUN').flatMap((run) =>
    run.args.split('&&').map((command) => command.trim()),
  );
}

/** The variables ENV sets in the stage and its ancestors (KEY=value pairs without quotes). */
export function environment(stages: Stage[], stage: Stage): Record<string, string> {
  const pairs = inherited(stages, stage, 'ENV').flatMap((env) => env.args.split(/\s+/));
  return Object.fromEntries(
    pairs.map((pair) => {
      const [name = '', value] = pair.split(/=(.*)/s);
      if (value === undefined) throw new Error(`ENV without "=": ${pair}`);
      return [name, value];
    }),
  );
}

/** The sources and destination of a COPY, as written. */
export function copyPaths(copy: Instruction): { sources: string[]; destination: string } {
  const words = execForm(copy.args) ?? copy.args.split(/\s+/);
  const destination = words.at(-1);
  if (destination === undefined || words.length < 2) throw new Error(`COPY ${copy.args}`);
  return { sources: words.slice(0, -1), destination };
}

/** The absolute path a path means in the stage, against its WORKDIR. */
export function inStage(stages: Stage[], stage: Stage, path: string): string {
  const workdir = inherited(stages, stage, 'WORKDIR').at(-1)?.args ?? '/';
  return posix.resolve(workdir, path);
}

const GLOB_TOKENS: Record<string, string> = {
  '**/': '(?:.*/)?',
  '**': '.*',
  '*': '[^/]*',
  '?': '[^/]',
};

/**
 * Whether .dockerignore's patterns keep `path` out of the build context, the path itself or a
 * folder above it. Exceptions ("!pattern") are not supported: the project uses none.
 */
export function isIgnored(patterns: string[], path: string): boolean {
  const parts = posix.normalize(path).split('/');
  const paths = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  const matchers = patterns.map(globMatcher);
  return matchers.some((matcher) => paths.some((candidate) => matcher.test(candidate)));
}

function globMatcher(pattern: string): RegExp {
  if (pattern.startsWith('!')) throw new Error(`exception patterns are not supported: ${pattern}`);
  const glob = posix.normalize(pattern).replace(/^\/+|\/+$/g, '');
  const source = glob.replace(/\*\*\/|\*\*|\*|\?|[.+^${}()|[\]\\]/g, (token) => {
    return GLOB_TOKENS[token] ?? `\\${token}`;
  });
  return new RegExp(`^${source}$`);
}
