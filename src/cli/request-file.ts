/**
 * Reads the integration request a ticket or an operator wrote: a JSON or YAML file, or standard
 * input given as "-". YAML lets a PEM be pasted as a block (`pem: |`) as it is; JSON files are
 * read as JSON so that their errors speak JSON. The service validates the content.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { UsageError } from './arguments.js';

/** The request body in the file; throws a UsageError naming the file and what is wrong. */
export async function readRequestFile(
  path: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<Record<string, unknown>> {
  const name = path === '-' ? 'standard input' : path;
  const text = path === '-' ? await readAll(stdin) : await readText(path);
  const content =
    extname(path).toLowerCase() === '.json' ? parseJson(text, name) : parseYaml(text, name);
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new UsageError(
      `${name} must hold one object with caBundle, account and certificateAuthority.`,
    );
  }
  return content as Record<string, unknown>;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`Cannot read ${path} (${typeof code === 'string' ? code : 'error'}).`);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser may quote the text it failed on, which could hold something secret: only its
    // complaint is kept, and a position becomes a line a person can find.
    const reason = (error instanceof Error ? error.message : '').replace(/, ".*$/s, '');
    const position = /at position (\d+)/.exec(reason)?.[1];
    const line = position === undefined ? '' : ` at line ${lineAt(text, Number(position))}`;
    throw new UsageError(`${name} is not valid JSON${line}: ${reason || 'unreadable'}`);
  }
}

function lineAt(text: string, position: number): number {
  return text.slice(0, position).split('\n').length;
}

function parseYaml(text: string, name: string): unknown {
  // Anchors and aliases are YAML's, not a request's: a few are fine, a bomb of them is refused.
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = document.errors[0];
  if (error !== undefined) {
    const where = error.linePos === undefined ? '' : ` at line ${error.linePos[0].line}`;
    throw new UsageError(`${name} is not valid YAML or JSON${where}: ${firstLine(error.message)}`);
  }
  return document.toJS({ maxAliasCount: 100 });
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
