import { STATUS_CODES } from 'node:http';
import type { ShieldwallError } from '../errors/error-catalog.js';

/** The TAXII 2.1 error message resource (specification section "Error Message"). */
export interface TaxiiErrorMessage {
  title: string;
  description?: string;
  error_id?: string;
  error_code?: string;
  http_status?: string;
  external_details?: string;
  details?: Record<string, unknown>;
}

/**
 * A catalog error in the TAXII error message format: the HTTP reason as title, our message as
 * description, our stable code as error_code, the request id as error_id (to find it in the logs).
 * Technical faults never show their details.
 */
export function taxiiErrorMessage(e: ShieldwallError, requestId: string): TaxiiErrorMessage {
  return {
    title: STATUS_CODES[e.status] ?? 'Error',
    description: e.genre === 'technical' ? 'internal error' : e.message,
    error_id: requestId,
    error_code: e.code,
    http_status: String(e.status),
    ...(e.genre === 'caller' && Object.keys(e.details).length > 0 ? { details: e.details } : {}),
  };
}
