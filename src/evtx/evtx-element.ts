/**
 * One element of a decoded EVTX record, in the form an XML parser gives for the rendered record:
 * attribute values as text (absent optional values as ''), child elements in order, and the text
 * content of a leaf element ('' when it is only whitespace, as the rendered XML leaves it).
 * Read-only for consumers: elements without attributes or children share one frozen object.
 */
export interface EvtxElement {
  name: string;
  attrs: Record<string, string>;
  children: EvtxElement[];
  text: string;
}
