/** The median of `xs` (the lower middle one of an even count), `xs` left unsorted. */
export function median(xs: readonly number[]): number {
  return xs.slice().sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
}
