import { ShieldwallError } from '../errors/error-catalog.js';

/** The one media type of TAXII 2.1 resources. */
export const taxiiMediaType = 'application/taxii+json;version=2.1';
/** Media type of the STIX objects a collection holds. */
export const stixMediaType = 'application/stix+json;version=2.1';

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function parseMediaRange(text: string): MediaRange {
  const [type = '', ...rest] = text.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, ''));
  }
  return { type: type.trim().toLowerCase(), params };
}

/** A TAXII 2.1 media type: `application/taxii+json` with `version=2.1` or no version at all. */
function isTaxii21(range: MediaRange): boolean {
  const version = range.params.get('version');
  return range.type === 'application/taxii+json' && (version === undefined || version === '2.1');
}

/**
 * Checks that the Accept header allows a TAXII 2.1 response: absent, a wildcard, or
 * `application/taxii+json` (version 2.1 or unversioned) with a non-zero q; otherwise NOT_ACCEPTABLE.
 */
export function assertAcceptsTaxii(accept: string | undefined): void {
  if (accept === undefined || accept.trim() === '') return;
  for (const part of accept.split(',')) {
    const range = parseMediaRange(part);
    if (range.params.get('q') !== undefined && Number(range.params.get('q')) === 0) continue;
    if (range.type === '*/*' || range.type === 'application/*' || isTaxii21(range)) return;
  }
  throw new ShieldwallError('NOT_ACCEPTABLE', `Accept: this server answers ${taxiiMediaType} only, got ${JSON.stringify(accept)}`, {
    where: 'headers.accept',
  });
}

/** Checks that a request body is declared TAXII 2.1 JSON; otherwise UNSUPPORTED_MEDIA_TYPE. */
export function assertTaxiiContentType(contentType: string | undefined): void {
  if (contentType !== undefined && isTaxii21(parseMediaRange(contentType))) return;
  throw new ShieldwallError('UNSUPPORTED_MEDIA_TYPE', `Content-Type: expected ${taxiiMediaType}, got ${JSON.stringify(contentType ?? null)}`, {
    where: 'headers.content-type',
  });
}
