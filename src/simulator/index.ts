/**
 * The TSM simulator's entry point for tests, the demo and load tests. The service never imports
 * it.
 */
export { DEFAULT_API_TOKEN, startSimulator } from './simulator.js';
export { COLLECTION_PATHS } from './tsm-routes.js';
export { CSP_AUTHORIZE_PATH } from './journal.js';
export { RESOURCE_COLLECTIONS } from './types.js';
export type {
  ArrivingRequest,
  FaultSpec,
  RecordedHeaders,
  RecordedRequest,
  ResourceCollection,
  ResourceJson,
  Simulator,
  SimulatorOptions,
} from './types.js';
