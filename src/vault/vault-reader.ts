/**
 * Unauthenticated GETs to Vault for the health and PKI checks, each bounded by the preflight's
 * timeout and a size limit. These reads do not verify Vault's certificate: they send no
 * credential and only read public facts, and trust is the TLS check's to judge. Verifying here
 * too would hide a sealed Vault or a missing mount behind one wrong bundle.
 */
import type { LookupFunction } from 'node:net';
import { Agent, errors, request } from 'undici';

/** Vault's answers read here are small; more than this is not Vault. */
const MAX_ANSWER_BYTES = 256 * 1024;

/** An answer from Vault, or why none came. */
export type VaultAnswer =
  | { kind: 'answer'; status: number; text: string }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'timeout' };

/** Reads from one Vault; close() when done. */
export interface VaultReader {
  get(path: string, headers?: Record<string, string>): Promise<VaultAnswer>;
  close(): Promise<void>;
}

/**
 * A reader of the Vault at `baseUrl`, every read bounded by `timeoutMs`, connecting only where
 * `lookup` (pinned to the addresses the preflight judged) answers.
 */
export function createVaultReader(
  baseUrl: string,
  lookup: LookupFunction,
  timeoutMs: number,
): VaultReader {
  const agent = new Agent({
    connect: { rejectUnauthorized: false, timeout: timeoutMs, lookup },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return {
    get: (path, headers = {}) => read(agent, `${baseUrl}${path}`, headers, timeoutMs),
    close: () => agent.close(),
  };
}

async function read(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<VaultAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const answer = await request(url, { method: 'GET', headers, dispatcher: agent, signal });
    const text = await boundedText(answer.body);
    return { kind: 'answer', status: answer.statusCode, text };
  } catch (error) {
    if (signal.aborted || isTimeout(error)) return { kind: 'timeout' };
    return { kind: 'unreachable', reason: reasonOf(error) };
  }
}

async function boundedText(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof errors.ConnectTimeoutError ||
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError
  );
}

/** A short reason without the error's message, which may quote what the network said. */
export function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'connection failed';
}
