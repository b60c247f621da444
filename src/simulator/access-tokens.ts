/**
 * Access tokens CSP has issued and TSM accepts until they expire. Opaque random strings, as the
 * client must not read anything into them.
 */
import { randomBytes } from 'node:crypto';

// A client that exchanges its API token on every call must not grow the simulator's memory.
const LIVE_TOKEN_LIMIT = 10_000;

/** The access tokens that are live now. */
export class AccessTokens {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly ttlSeconds: number) {}

  /** Issues a new access token valid for the configured lifetime. */
  issue(): string {
    const token = randomBytes(24).toString('base64url');
    this.forgetExpired();
    if (this.expiries.size >= LIVE_TOKEN_LIMIT) this.forgetOldest();
    this.expiries.set(token, Date.now() + this.ttlSeconds * 1000);
    return token;
  }

  /** Whether TSM would accept this token now. */
  isLive(token: string | undefined): boolean {
    if (token === undefined) return false;
    const expiry = this.expiries.get(token);
    return expiry !== undefined && Date.now() < expiry;
  }

  /** Every token issued so far is expired (an expired and an unknown token answer alike). */
  expireAll(): void {
    this.expiries.clear();
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [token, expiry] of this.expiries) {
      if (expiry <= now) this.expiries.delete(token);
    }
  }

  private forgetOldest(): void {
    const oldest = this.expiries.keys().next();
    if (oldest.done !== true) this.expiries.delete(oldest.value);
  }
}
