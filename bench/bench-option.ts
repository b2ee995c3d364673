/**
 * The value of a numeric benchmark option (`--rounds 3`): `fallback` when `name` is absent; a
 * positive whole number otherwise, or the process ends with exit code 2 and one line naming it.
 */
export function benchOption(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const n = Number(args[at + 1]);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`${name} needs a positive whole number\n`);
    process.exit(2);
  }
  return n;
}
