import { describe, expect, it } from 'vitest';
import { validatePattern } from '../pattern/index.js';
import { fastSimpleKey, simpleKeys } from './simple-indicator.js';

describe('fastSimpleKey agrees with the full parser', () => {
  const patterns = [
    "[ipv4-addr:value = '198.51.100.7']",
    "[ipv4-addr:value='10.0.0.0/8']",
    "[ ipv4-addr:value = '10.1.2.3/24' ]",
    "[ipv6-addr:value = '2001:DB8::1']",
    "[ipv6-addr:value = '2001:db8:ab00::/40']",
    "[domain-name:value = 'Www.Example.COM.']",
    "[url:value = 'http://example.com/a?b=C']",
    "[email-addr:value = 'Boss@Example.com']",
    "[file:hashes.MD5 = 'CEAD3F77F6CDA6EC00F57D76C9A6879F']",
    "[file:hashes.'SHA-1' = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3']",
    "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  ];
  it.each(patterns)('%s', (p) => {
    const fast = fastSimpleKey(p);
    expect(fast).toBeDefined();
    expect([fast]).toEqual(simpleKeys(validatePattern(p)));
  });

  it.each([
    "[file:hashes.'SHA-256' = 'f00']", // invalid: the validator must report it
    "[ipv4-addr:value = '999.1.1.1']",
    "[ipv4-addr:value = '2001:db8::1']", // family mismatch
    "[domain-name:value = 'it\\'s']", // escapes go through the parser
    "[domain-name:value = 'a'] WITHIN 5 SECONDS",
    "[url:value != 'x']",
  ])('leaves %s to the full parser', (p) => {
    expect(fastSimpleKey(p)).toBeUndefined();
  });
});
