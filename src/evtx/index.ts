export { EvtxChunk, evtxChunkSize, type EvtxRecord } from './evtx-chunk.js';
export { evtxChunks, evtxFileHeader, type EvtxFileHeader } from './evtx-file-header.js';
export { addEvtxChild, evtxScalar } from './evtx-json-writer.js';
