/**
 * EndpointEvent → trace event, shared by the in-memory simulation and the TCP adapter
 * (net/): both record real endpoints in the same trace format, and neither depends on the
 * other.
 */
import type { EndpointEvent, RecordInfo } from '@tls13sim/handshake';
import { toHex } from '@tls13sim/record';
import type { RecordFields, Side, TraceEventBody } from './trace.js';

function recordFields(r: RecordInfo): RecordFields {
  const f: RecordFields = {
    outerType: r.outerType,
    innerType: r.innerType,
    epoch: r.epoch,
    length: r.length,
    messages: [...r.messages],
    hex: toHex(r.wire),
  };
  return r.alert ? { ...f, alert: { level: r.alert.level, description: r.alert.description } } : f;
}

/**
 * The note for one direction closing (RFC 8446 §6.1: a close_notify closes its sender's
 * direction only). `otherOpen`: the other direction is still open (half-closed).
 */
function closureText(side: Side, closed: 'read' | 'write', otherOpen: boolean): string {
  const peer = side === 'client' ? 'server' : 'client';
  const what = closed === 'read' ? `read side closed (the ${peer}'s close_notify)` : 'write side closed (close_notify sent)';
  if (!otherOpen) return `${what}; both directions closed (RFC 8446 §6.1)`;
  return closed === 'read' ? `${what}; can still write: half-closed (RFC 8446 §6.1)` : `${what}; still reads until the ${peer}'s: half-closed (RFC 8446 §6.1)`;
}

/**
 * EndpointEvent → trace event. Events the records already show are not repeated.
 * Exported for the TCP adapter (net/), which records real connections in the same trace.
 */
export function toTraceBody(side: Side, ev: EndpointEvent): TraceEventBody | null {
  switch (ev.type) {
    case 'state':
      return { type: 'state', from: ev.from, to: ev.to };
    case 'record_sent':
      return { type: 'record_sent', ...recordFields(ev.record) };
    case 'record_received':
      return { type: 'record_received', ...recordFields(ev.record) };
    case 'keys_installed':
      return ev.keylog
        ? {
            type: 'keys_installed',
            direction: ev.direction,
            epoch: ev.epoch,
            keylog: { label: ev.keylog.label, secret: toHex(ev.keylog.secret) },
          }
        : { type: 'keys_installed', direction: ev.direction, epoch: ev.epoch };
    case 'secret':
      return { type: 'secret', label: ev.label, secret: toHex(ev.secret) };
    case 'finished_built':
      return { type: 'note', text: `${side} built its Finished (${finishedRfc(ev.version)})`, fact: 'finished_built' };
    case 'finished_verified':
      return { type: 'note', text: `${side} verified the peer's Finished (${finishedRfc(ev.version)})`, fact: 'finished_verified' };
    case 'handshake_complete':
      return { type: 'handshake_complete' };
    case 'alert_sent':
      return { type: 'alert_sent', level: ev.level, description: ev.description, epoch: ev.epoch };
    case 'alert_received':
      return { type: 'alert_received', level: ev.level, description: ev.description, epoch: ev.epoch };
    case 'early_data':
      return {
        type: 'note',
        text: `early data ${ev.accepted ? 'accepted' : 'rejected'} (RFC 8446 §4.2.10)`,
        fact: ev.accepted ? 'early_data_accepted' : 'early_data_rejected',
      };
    case 'post_handshake_auth':
      return {
        type: 'note',
        text: `post-handshake authentication: ${ev.stage} (RFC 8446 §4.6.2)`,
        fact: `post_handshake_auth_${ev.stage}`,
      };
    case 'note':
      return { type: 'note', text: ev.text };
    case 'peer_closed':
      return { type: 'note', text: closureText(side, 'read', ev.writeOpen), fact: 'read_closed' };
    case 'closed_for_writing':
      return { type: 'note', text: closureText(side, 'write', ev.readOpen), fact: 'write_closed' };
    case 'application_data':
    case 'new_session_ticket':
    case 'key_update':
      return null;
  }
}

/** Where each version defines Finished. */
function finishedRfc(version: 'TLSv1.2' | undefined): string {
  return version === 'TLSv1.2' ? 'RFC 5246 §7.4.9' : 'RFC 8446 §4.4.4';
}
