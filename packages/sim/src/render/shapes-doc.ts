/**
 * docs/handshake-shapes.md, drawn from the handshake shapes as data
 * (`HANDSHAKE_SHAPES` and the Appendix A edge lists, packages/handshake/src/endpoint/shapes.ts),
 * the same data a test checks real endpoints against — so the diagrams cannot drift from
 * what the endpoints do. Each side of each shape is a Mermaid state diagram: an edge for each
 * state change, labelled with the messages sent (`>`) and received (`<`) on the way.
 */
import { APPENDIX_A1_CLIENT, APPENDIX_A2_SERVER, HANDSHAKE_SHAPES, type AppendixEdge, type ShapeStep } from '@tls13sim/handshake';

/** Mermaid state ids cannot be `START`/`END`-like keywords with brackets; plain names are fine, `[*]` marks the start. */
function edgesOf(steps: readonly ShapeStep[]): string[] {
  const lines: string[] = [];
  let state = 'START';
  let label: string[] = [];
  lines.push('  [*] --> START');
  for (const s of steps) {
    const body = s.slice(2);
    if (s.startsWith('→')) {
      lines.push(`  ${state} --> ${body}${label.length > 0 ? `: ${label.join(', ')}` : ''}`);
      state = body;
      label = [];
    } else {
      label.push(`${s.startsWith('>') ? 'send' : 'recv'} ${body}`);
    }
  }
  if (label.length > 0) lines.push(`  ${state} --> ${state}: ${label.join(', ')}`);
  return lines;
}

function appendix(title: string, edges: readonly AppendixEdge[]): string[] {
  return [
    `### ${title}`,
    '',
    '```mermaid',
    'stateDiagram-v2',
    '  [*] --> START',
    ...edges.map(([from, to, label]) => `  ${from} --> ${to}: ${label.replaceAll(':', ' —')}`),
    '```',
    '',
  ];
}

export function renderShapesDoc(): string {
  const out: string[] = [
    '# Handshake shapes',
    '',
    '<!-- Generated from packages/handshake/src/endpoint/shapes.ts by renderShapesDoc (packages/sim/src/render/shapes-doc.ts);',
    '     packages/sim/test/shapes-doc.test.ts keeps it current. Do not edit by hand. -->',
    '',
    'Each handshake shape as each side lives it: the states it enters and the handshake messages it',
    'sends and receives on the way, in order. The same data drives',
    '`packages/handshake/test/handshake-shapes.test.ts`, which runs real endpoints through every',
    'shape and fails if they do anything else. TLS 1.2 counts its ChangeCipherSpec as a message;',
    "TLS 1.3's compatibility ChangeCipherSpec (RFC 8446 Appendix D.4) is not part of any shape.",
    '',
  ];
  for (const shape of HANDSHAKE_SHAPES) {
    out.push(`## ${shape.version === 'TLSv1.2' ? 'TLS 1.2' : 'TLS 1.3'}: ${shape.name} (${shape.rfc})`, '');
    for (const side of ['client', 'server'] as const) {
      out.push(`### ${side}`, '', '```mermaid', 'stateDiagram-v2', ...edgesOf(shape[side]), '```', '');
    }
  }
  out.push('## RFC 8446 Appendix A, as the endpoints implement it', '');
  out.push(...appendix('A.1 client', APPENDIX_A1_CLIENT), ...appendix('A.2 server', APPENDIX_A2_SERVER));
  return `${out.join('\n').trimEnd()}\n`;
}
