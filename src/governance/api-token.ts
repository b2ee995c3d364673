import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { ApiToken, Role, ScopedStore, Store } from '../store/index.js';
import type { Clock } from '../shared/clock.js';

/** Who is calling: resolved from a bearer token. */
export interface Principal {
  tokenId: string;
  orgId: string;
  role: Role;
}

const TOKEN_PREFIX = 'sw_';
const ID_HEX = 16;
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

function scrypt(secret: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(secret, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** scrypt hash of a secret in the self-describing form `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check of a secret against a `hashSecret` result. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, 'base64url');
  const key = await scrypt(secret, Buffer.from(saltB64, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Splits `sw_<16 hex id>_<secret>`; null when the shape is wrong. */
export function parseToken(token: string): { id: string; secret: string } | null {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const id = token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + ID_HEX);
  if (!/^[0-9a-f]{16}$/.test(id) || token[TOKEN_PREFIX.length + ID_HEX] !== '_') return null;
  const secret = token.slice(TOKEN_PREFIX.length + ID_HEX + 1);
  return secret.length >= 20 ? { id, secret } : null;
}

/**
 * Creates an API token in the scope's store. The plain token is returned once and never stored:
 * only the scrypt hash of its secret part is kept.
 */
export async function issueApiToken(
  store: ScopedStore,
  input: { orgId: string; role: Role; name?: string; expiresAt?: number | null; now: number },
): Promise<{ token: string; record: ApiToken }> {
  const id = randomBytes(ID_HEX / 2).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const record = await store.tokens.create({
    id,
    orgId: input.orgId,
    role: input.role,
    name: input.name ?? `${input.role} token`,
    secretHash: await hashSecret(secret),
    expiresAt: input.expiresAt ?? null,
    createdAt: input.now,
  });
  return { token: `${TOKEN_PREFIX}${id}_${secret}`, record };
}

/**
 * Resolves bearer tokens to principals. scrypt is deliberately slow, so a verified token is cached
 * (keyed by the SHA-256 of the whole token, never the token itself) for `cacheMs`; revocation and
 * expiry therefore take effect within that time.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, { principal: Principal; until: number; expiresAt: number | null }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly cacheMs = 30_000,
    private readonly maxCache = 10_000,
  ) {}

  async verify(token: string): Promise<Principal | null> {
    const parsed = parseToken(token);
    if (!parsed) return null;
    const now = this.clock.now();
    const key = createHash('sha256').update(token).digest('base64url');
    const hit = this.cache.get(key);
    if (hit && hit.until > now && (hit.expiresAt === null || hit.expiresAt > now)) return hit.principal;
    if (hit) this.cache.delete(key);

    const record = await this.store.auth.findToken(parsed.id);
    if (!record || record.revokedAt !== null) return null;
    if (record.expiresAt !== null && record.expiresAt <= now) return null;
    if (!(await verifySecret(parsed.secret, record.secretHash))) return null;
    const principal: Principal = { tokenId: record.id, orgId: record.orgId, role: record.role };
    if (this.cache.size >= this.maxCache) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { principal, until: now + this.cacheMs, expiresAt: record.expiresAt });
    return principal;
  }

  /** Forgets cached verifications (after a revocation on this node). */
  clear(): void {
    this.cache.clear();
  }
}
