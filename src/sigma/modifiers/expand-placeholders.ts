/**
 * Expands `%name%` placeholders of a value with the `expand` modifier. Each placeholder takes
 * every configured value (cartesian product over several placeholders). A placeholder without
 * configured values becomes the wildcard `*`: pySigma's `wildcard_placeholders` transformation,
 * the only default that lets a rule load without site configuration (the spec calls it the
 * last resort: such a rule matches more broadly until the placeholder is configured).
 * `\%` is a plain percent sign.
 */
export function expandPlaceholders(raw: string, placeholders: Record<string, string[]>): string[] {
  let acc = [''];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '\\' && raw[i + 1] === '%') {
      acc = acc.map((a) => a + '%');
      i += 2;
      continue;
    }
    if (c === '%') {
      const end = raw.indexOf('%', i + 1);
      const name = end > i + 1 ? raw.slice(i + 1, end) : '';
      if (name && /^[\w.-]+$/.test(name)) {
        const values = placeholders[name];
        const subs = values && values.length > 0 ? values : ['*'];
        acc = acc.flatMap((a) => subs.map((s) => a + s));
        i = end + 1;
        continue;
      }
    }
    acc = acc.map((a) => a + c);
    i++;
  }
  return acc;
}
