import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Test support (not exported from index.ts): a throwaway PKI made by openssl at test time, so no
// private key is ever committed. Keys are P-256 and live one day.

/** PEM files of a test CA, a server certificate for localhost/127.0.0.1 and client certificates. */
export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** Client certificate and key files by subject CN. */
  clients: Record<string, { cert: string; key: string }>;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

function signed(dir: string, name: string, cn: string, ext: string): { cert: string; key: string } {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.crt`);
  const extFile = path.join(dir, `${name}.ext`);
  writeFileSync(extFile, ext);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${cn}`, '-keyout', key, '-out', csr], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', extFile, '-out', cert], dir);
  return { cert, key };
}

/**
 * Makes a CA, a server certificate and one client certificate per CN, or answers undefined
 * (printing why) when openssl is missing, so TLS tests skip with a reason.
 */
export function makeTestPki(clientCns: string[] = []): TestPki | undefined {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'sw-pki-'));
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=Shieldwall test CA',
      '-keyout', 'ca.key', '-out', 'ca.crt'], dir);
    const server = signed(dir, 'server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    const clients: TestPki['clients'] = {};
    clientCns.forEach((cn, i) => (clients[cn] = signed(dir!, `client-${i}`, cn, 'extendedKeyUsage=clientAuth\n')));
    const root = dir;
    return { dir, caCert: path.join(dir, 'ca.crt'), serverCert: server.cert, serverKey: server.key, clients, remove: () => rmSync(root, { recursive: true, force: true }) };
  } catch (err) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.warn(`skipping TLS tests: openssl could not make a test PKI (${(err as Error).message})`);
    return undefined;
  }
}

/** Reads a PEM file of the test PKI. */
export function pem(file: string): Buffer {
  return readFileSync(file);
}
