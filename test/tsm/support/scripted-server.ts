/**
 * A tiny HTTP server on loopback that answers each route from a script, so that a test states
 * exactly what TSM and CSP say, attempt by attempt, and then reads what they received.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer to one request. */
export type ScriptedAnswer =
  | { status: number; headers?: Record<string, string>; body?: string | object }
  /** Answers with a body that repeats `chunk` for as long as the client goes on reading. */
  | { status: number; headers?: Record<string, string>; endless: string }
  /** Destroys the socket without answering. */
  | { drop: true }
  /** Never answers; the client has to give up. */
  | { hang: true }
  /** Holds the answer until the gate opens. */
  | { gate: Promise<void>; then: ScriptedAnswer };

/** A request as the server saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The server a test scripts and inspects. */
export interface ScriptedServer {
  url: string;
  /** Queues answers for a route such as "PUT /tsm/v1alpha1/external-accounts/a". */
  script(route: string, ...answers: ScriptedAnswer[]): void;
  /** The answer for a route once its queue is used up. */
  otherwise(route: string, answer: ScriptedAnswer): void;
  /** Requests received, for one route or all. */
  received(route?: string): ReceivedRequest[];
  /** Resolves once the route has received this many requests. */
  receivedCount(route: string, count: number): Promise<void>;
  close(): Promise<void>;
}

/** What a route answers when nothing was scripted: a 4xx, so that no client retries it. */
const UNSCRIPTED: ScriptedAnswer = { status: 418, body: { message: 'no answer scripted' } };

/** Starts a scripted server on 127.0.0.1 with a free port. */
export async function startScriptedServer(): Promise<ScriptedServer> {
  const queues = new Map<string, ScriptedAnswer[]>();
  const fallbacks = new Map<string, ScriptedAnswer>();
  const received: ReceivedRequest[] = [];
  const waiters: Array<{ route: string; count: number; resolve: () => void }> = [];
  const countOf = (route: string) =>
    received.filter((r) => `${r.method} ${r.path}` === route).length;
  const wakeWaiters = () => {
    for (const waiter of waiters.filter((w) => countOf(w.route) >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const method = request.method ?? 'GET';
      const path = request.url ?? '/';
      received.push({
        method,
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      wakeWaiters();
      const route = `${method} ${path}`;
      const answer = queues.get(route)?.shift() ?? fallbacks.get(route) ?? UNSCRIPTED;
      void answerWith(response, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    script: (route, ...answers) => queues.set(route, [...(queues.get(route) ?? []), ...answers]),
    otherwise: (route, answer) => fallbacks.set(route, answer),
    received: (route) =>
      received.filter(
        (request) => route === undefined || `${request.method} ${request.path}` === route,
      ),
    receivedCount: (route, count) =>
      new Promise<void>((resolve) => {
        waiters.push({ route, count, resolve });
        wakeWaiters();
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function answerWith(response: ServerResponse, answer: ScriptedAnswer): Promise<void> {
  if ('gate' in answer) {
    await answer.gate;
    return answerWith(response, answer.then);
  }
  if ('drop' in answer) {
    response.socket?.destroy();
    return;
  }
  if ('hang' in answer) return;
  if ('endless' in answer) {
    response.writeHead(answer.status, answer.headers);
    writeEndlessly(response, answer.endless);
    return;
  }

  const body = typeof answer.body === 'object' ? JSON.stringify(answer.body) : (answer.body ?? '');
  const type = typeof answer.body === 'object' ? { 'content-type': 'application/json' } : {};
  response.writeHead(answer.status, { ...type, ...answer.headers });
  response.end(body);
}

/** Writes the chunk again each time the client has taken the last one, until it hangs up. */
function writeEndlessly(response: ServerResponse, chunk: string): void {
  const writeMore = () => {
    while (!response.destroyed && response.write(chunk));
  };
  // Writing after the client hung up fails; that is how the body is meant to end.
  response.on('error', () => undefined);
  response.on('drain', writeMore);
  writeMore();
}

/** A latch a test opens when it is ready for a held answer to go out. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
