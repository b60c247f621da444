/** The Vault simulator's entry point for tests and the demo. The service never imports it. */
export { createSimulatedPki, type SimulatedPki } from './pki.js';
export { startVaultSimulator } from './vault-simulator.js';
export type {
  VaultHealthState,
  VaultPkiMount,
  VaultRequest,
  VaultSimulator,
  VaultSimulatorOptions,
} from './types.js';
