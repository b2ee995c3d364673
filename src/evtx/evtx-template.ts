import type { EvtxJsonValue } from './evtx-value.js';

/**
 * A node of a compiled binary XML template: an element, literal text, or a substitution slot.
 * One object shape with a kind, so the loops over them stay monomorphic.
 */
export interface TemplateNode {
  kind: typeof ELEMENT | typeof TEXT | typeof SUBSTITUTION;
  /** Element name, or the literal text. */
  name: string;
  /** Substitution index. */
  id: number;
  attrs: { name: string; value: TemplateNode | undefined }[];
  children: TemplateNode[];
}

export const ELEMENT = 0;
export const TEXT = 1;
export const SUBSTITUTION = 2;

/** The values of one template instance: where each one lies in the chunk, its size and type. */
export interface Values {
  at: number[];
  size: number[];
  type: number[];
}

/** Value type of embedded binary XML. */
export const BINXML = 0x21;

/** What {@link EvtxJsonWriter} needs of the chunk it writes records of. */
export interface TemplateSource {
  /** Substitution `id`, typed as evtx_dump writes it: null when the instance has no such value. */
  value(id: number, values: Values): EvtxJsonValue;
  /** The nodes an embedded binary XML value stands for, with the values they take. */
  embedded(at: number, size: number): { nodes: readonly TemplateNode[]; values: Values };
}
