export { EvtxChunk, evtxChunkSize, type EvtxRecord } from './evtx-chunk.js';
export type { EvtxElement } from './evtx-element.js';
export { evtxFileHeader, type EvtxFileHeader } from './evtx-file-header.js';
