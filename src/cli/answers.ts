/**
 * The shapes of the service's answers as this client reads them: only the members it shows, all
 * read defensively, since the client may face an older or newer service than its own sources.
 */

/** One TSM resource of an integration. */
export interface ResourceView {
  kind?: string;
  id?: string;
  outcome?: string;
}

/** One step: a read, write, compensation or deletion of a resource. */
export interface StepView {
  name?: string;
  kind?: string;
  method?: string;
  tsmPath?: string;
  result?: string;
  durationMs?: number;
  attempts?: { status?: number; error?: string }[];
}

/** A finding: an error or warning pointing into the request. */
export interface FindingView {
  pointer?: string;
  code?: string;
  message?: string;
}

/** An integration as GET /vault-integrations/{id} answers it. */
export interface IntegrationView {
  id?: string;
  status?: string;
  caLabel?: string;
  actor?: string;
  resources?: ResourceView[];
  steps?: StepView[];
  warnings?: FindingView[];
  failure?: { code?: string; detail?: string; conflicts?: { kind?: string; id?: string }[] };
  leftInTsm?: { kind?: string; id?: string; state?: string }[];
  deletion?: DeletionView;
  createdAt?: string;
  finishedAt?: string;
}

/** Who asked to delete an integration, and when its deletion started and ended. */
export interface DeletionView {
  actor?: string;
  requestId?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** Problem details (RFC 9457) with the service's extensions. */
export interface ProblemView {
  status?: number;
  code?: string;
  detail?: string;
  requestId?: string;
  errors?: FindingView[];
  failedChecks?: { name?: string; code?: string; detail?: string }[];
  integration?: IntegrationView;
  integrationId?: string;
}

/** A page of GET /vault-integrations. */
export interface PageView {
  integrations?: IntegrationView[];
  nextCursor?: string;
}

/** Statuses in which an integration is still running, so that following it goes on. */
export const RUNNING_STATUSES = ['in_progress', 'rolling_back', 'deleting'];

/** The body as an object, or an empty one when the service answered something else. */
export function asObject<T extends object>(body: unknown): T {
  return (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as T;
}
