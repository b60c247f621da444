/**
 * The simulator's CA configuration in use by clusters: TSM refuses its DELETE with 409 until it
 * is no longer in use, marked from a test or over the admin surface.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import {
  accessToken,
  accountBody,
  authorityBody,
  call,
  certificateBody,
  tsmCall,
} from '../simulator/helpers.js';

describe('a CA configuration in use', () => {
  let sim: Simulator;

  beforeEach(async () => {
    sim = await startSimulator();
    sim.seed('certificates', 'my-CA-bundle', certificateBody());
    sim.seed('external-accounts', 'my-vault-account', accountBody());
    sim.seed('certificate-authorities', 'my-ca', authorityBody());
  });
  afterEach(() => sim.close());

  const deleteCa = async () => {
    const token = await accessToken(sim);
    return tsmCall(sim, token, 'certificate-authorities', 'my-ca', { method: 'DELETE' });
  };

  it('is refused deletion with 409 while marked in use, and deleted once no longer', async () => {
    sim.markInUse('certificate-authorities', 'my-ca');

    const refused = await deleteCa();
    expect(refused.status).toBe(409);
    expect((refused.body as { message?: string }).message).toContain('clusters');
    expect(sim.resource('certificate-authorities', 'my-ca')).toBeDefined();

    sim.markInUse('certificate-authorities', 'my-ca', false);
    expect((await deleteCa()).status).toBe(200);
  });

  it('is marked and unmarked over the admin surface', async () => {
    const url = `${sim.url}/_sim/in-use/certificate-authorities/my-ca`;

    expect((await call(url, { method: 'PUT' })).status).toBe(204);
    expect((await deleteCa()).status).toBe(409);
    expect((await call(url, { method: 'DELETE' })).status).toBe(204);
    expect((await deleteCa()).status).toBe(200);
    expect((await call(`${sim.url}/_sim/in-use/clusters/x`, { method: 'PUT' })).status).toBe(400);
  });

  it('is forgotten on reset', async () => {
    sim.markInUse('certificate-authorities', 'my-ca');
    sim.reset();
    sim.seed('certificate-authorities', 'my-ca', authorityBody());

    expect((await deleteCa()).status).toBe(200);
  });
});
