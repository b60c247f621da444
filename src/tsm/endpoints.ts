/**
 * One connection pool per origin, kept alive between calls. TSM and CSP may share an origin (the
 * simulator serves both); they then share the pool too.
 */
import { Pool, type Dispatcher } from 'undici';

/** Where requests for one base URL go: its pool, and the base URL's path to put before theirs. */
export interface Endpoint {
  dispatcher: Dispatcher;
  /** The base URL's path without its trailing slash; empty for a bare origin. */
  pathPrefix: string;
}

/** The pools of a client, one per origin. */
export class OriginPools {
  readonly #pools = new Map<string, Pool>();

  /** The endpoint of a base URL such as https://tsm.example.com or http://127.0.0.1:8080/api. */
  endpoint(baseUrl: string): Endpoint {
    const url = new URL(baseUrl);
    let pool = this.#pools.get(url.origin);
    if (pool === undefined) {
      pool = new Pool(url.origin);
      this.#pools.set(url.origin, pool);
    }
    return { dispatcher: pool, pathPrefix: url.pathname.replace(/\/+$/, '') };
  }

  /** Closes every pool once its running requests are done. */
  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
  }
}
