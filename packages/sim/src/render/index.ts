import type { Trace } from '../trace.js';
import { renderHexDump } from './hexdump.js';
import { renderJson } from './json.js';
import { renderMermaid } from './mermaid.js';
import { renderTimeline } from './timeline.js';
import { renderSvg } from './svg.js';
import { renderHtml } from './html.js';

export { renderHexDump } from './hexdump.js';
export { renderJson } from './json.js';
export { renderMermaid } from './mermaid.js';
export { renderTimeline } from './timeline.js';
export { renderKeylog, clientRandomOf } from './keylog.js';
export { isTls12Trace, changeCipherSpecLabel, keyLegend } from './names.js';
export { renderPcap, PCAP_MAGIC, LINKTYPE_ETHERNET, CLIENT_ADDR, SERVER_ADDR, CLIENT_ISN, SERVER_ISN } from './pcap.js';

export const TEXT_FORMATS = ['text', 'mermaid', 'json', 'hex', 'svg', 'html'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

export function renderTrace(trace: Trace, format: TextFormat): string {
  switch (format) {
    case 'text':
      return renderTimeline(trace);
    case 'mermaid':
      return renderMermaid(trace);
    case 'json':
      return renderJson(trace);
    case 'hex':
      return renderHexDump(trace);
    case 'svg':
      return renderSvg(trace);
    case 'html':
      return renderHtml(trace);
  }
}
export { renderSvg, escapeXml, teachingNotes, type SvgOptions, type TeachingNote } from './svg.js';
export { renderHtml } from './html.js';
export { renderShapesDoc } from './shapes-doc.js';
export { recordFlights, type RecordFlight, type RecordFate, type Flights } from './flights.js';
export { EPOCH_COLOURS, epochColour } from './epoch-colours.js';
