/**
 * The one rule for tests that need an external service (PostgreSQL, NATS): run when it answers;
 * when it does not, skip with a printed reason on a developer machine, but fail under CI, where a
 * missing service means the pipeline is broken and a silent skip would hide untested code.
 */

/** Why `requireService` refused under CI; the message names the service and the probe's error. */
export class ServiceUnavailableError extends Error {
  constructor(
    readonly service: string,
    readonly reason: string,
  ) {
    super(`${service} is unreachable under CI=true, so its tests fail instead of skipping: ${reason}`);
    this.name = 'ServiceUnavailableError';
  }
}

/**
 * Probes a service once. Returns true when `probe` resolves; when it rejects, prints the reason with
 * `console.warn` and returns false, or throws `ServiceUnavailableError` when `process.env.CI === 'true'`.
 *
 * @example
 * const pgUp = await requireService('PostgreSQL at 127.0.0.1:5432', () => pingPostgres(url));
 * describe.runIf(pgUp)('postgres store', () => { ... });
 */
export async function requireService(
  name: string,
  probe: () => Promise<void>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (env.CI === 'true') throw new ServiceUnavailableError(name, reason);
    console.warn(`skipping ${name} tests: ${name} is unreachable (${reason}); set CI=true to make this a failure`);
    return false;
  }
}
