/**
 * A TAXII request that failed: the peer's HTTP status and, when it answered in the TAXII error
 * format (TAXII 2.1 §3.6.1), its `title`, `description` and `error_code`. `status` is 0 when no
 * answer came (timeout, refused connection, DNS).
 */
export class TaxiiClientError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly title: string,
    readonly description?: string,
    readonly errorCode?: string,
    options?: { cause?: unknown },
  ) {
    super(`${url}: ${status === 0 ? '' : `HTTP ${status} `}${title}${description ? ` (${description})` : ''}`, options);
    this.name = 'TaxiiClientError';
  }
}

/** The error of a non-2xx answer, reading the TAXII error body when there is one. */
export async function taxiiErrorOf(url: string, response: Response): Promise<TaxiiClientError> {
  let body: unknown;
  const text = await response.text().catch(() => '');
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const e = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const title = typeof e.title === 'string' ? e.title : response.statusText || 'request failed';
  return new TaxiiClientError(
    url,
    response.status,
    title,
    typeof e.description === 'string' ? e.description : text && body === undefined ? text.slice(0, 200) : undefined,
    typeof e.error_code === 'string' ? e.error_code : undefined,
  );
}
