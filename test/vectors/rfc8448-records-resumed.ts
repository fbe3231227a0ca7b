/**
 * RFC 8448 §4 ("Resumed 0-RTT Handshake"): every record of the trace, with the traffic keys
 * and IVs printed there — the ClientHello with its PSK binder, the 0-RTT application data
 * and the EndOfEarlyData under the client's early traffic keys, then the handshake and
 * application records. Generated from the RFC text ("payload" and "complete record" of each
 * "send ... record" step, hex as printed, grouped by 16 bytes; each record's keys are the
 * sender's last "derive write traffic keys" step before it), so no test reads ../shared.
 * All keys are TLS_AES_128_GCM_SHA256. Same shape as rfc8448-records.ts, plus the early keys;
 * `seq` counts records under `keys`.
 */
import type { RecordVector, TrafficKeyVector } from './rfc8448-records.js';

export const RFC8448_RESUMED_KEYS = {
  /** {client}  derive write traffic keys for early application data: */
  clientEarly: {
    key: '92 02 05 a5 b7 bf 21 15 e6 fc 5c 29 42 83 4f 54',
    iv: '6d 47 5f 09 93 c8 e5 64 61 0d b2 b9',
  },
  /** {server}  derive write traffic keys for handshake data: */
  serverHandshake: {
    key: '27 c6 bd c0 a3 dc ea 39 a4 73 26 d7 9b c9 e4 ee',
    iv: '95 69 ec dd 4d 05 36 70 5e 9e f7 25',
  },
  /** {server}  derive write traffic keys for application data: */
  serverApplication: {
    key: 'e8 57 c6 90 a3 4c 5a 91 29 d8 33 61 96 84 f9 5e',
    iv: '06 85 d6 b5 61 aa b9 ef 10 13 fa f9',
  },
  /** {client}  derive write traffic keys for handshake data: */
  clientHandshake: {
    key: 'b1 53 08 06 f4 ad fe ac 83 f1 41 30 32 bb fa 82',
    iv: 'eb 50 c1 6b e7 65 4a bf 99 dd 06 d9',
  },
  /** {client}  derive write traffic keys for application data: */
  clientApplication: {
    key: '3c f1 22 f3 01 c6 35 8c a7 98 95 53 25 0e fd 72',
    iv: 'ab 1a ec 26 aa 78 b8 fc 11 76 b9 ac',
  },
} as const satisfies Record<string, TrafficKeyVector>;

/** A §4 record: as RecordVector, with `keys` naming an entry of RFC8448_RESUMED_KEYS. */
export type ResumedRecordVector = Omit<RecordVector, 'keys'> & { readonly keys: keyof typeof RFC8448_RESUMED_KEYS | null };

/** In trace order. */
export const RFC8448_RESUMED_RECORDS: readonly ResumedRecordVector[] = [
  {
    name: 'client_hello',
    sender: 'client',
    contentType: 22,
    keys: null,
    seq: 0,
    payload:
      '01 00 01 fc 03 03 1b c3 ce b6 bb e3 9c ff 93 83 ' +
      '55 b5 a5 0a db 6d b2 1b 7a 6a f6 49 d7 b4 bc 41 ' +
      '9d 78 76 48 7d 95 00 00 06 13 01 13 03 13 02 01 ' +
      '00 01 cd 00 00 00 0b 00 09 00 00 06 73 65 72 76 ' +
      '65 72 ff 01 00 01 00 00 0a 00 14 00 12 00 1d 00 ' +
      '17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 ' +
      '33 00 26 00 24 00 1d 00 20 e4 ff b6 8a c0 5f 8d ' +
      '96 c9 9d a2 66 98 34 6c 6b e1 64 82 ba dd da fe ' +
      '05 1a 66 b4 f1 8d 66 8f 0b 00 2a 00 00 00 2b 00 ' +
      '03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 ' +
      '02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 ' +
      '04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c ' +
      '00 02 40 01 00 15 00 57 00 00 00 00 00 00 00 00 ' +
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ' +
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ' +
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ' +
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ' +
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ' +
      '29 00 dd 00 b8 00 b2 2c 03 5d 82 93 59 ee 5f f7 ' +
      'af 4e c9 00 00 00 00 26 2a 64 94 dc 48 6d 2c 8a ' +
      '34 cb 33 fa 90 bf 1b 00 70 ad 3c 49 88 83 c9 36 ' +
      '7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9 82 11 ' +
      '72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 ' +
      'be 7f d6 1d 28 27 db 27 9c ce 14 50 77 d4 54 a3 ' +
      '66 4d 4e 6d a4 d2 9e e0 37 25 a6 a4 da fc d0 fc ' +
      '67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 6c 5b ' +
      '3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 ' +
      '97 b5 ae a6 17 64 6f ac 5c 03 27 2e 97 07 27 c6 ' +
      '21 a7 91 41 ef 5f 7d e6 50 5e 5b fb c3 88 e9 33 ' +
      '43 69 40 93 93 4a e4 d3 57 fa d6 aa cb 00 21 20 ' +
      '3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8 ' +
      '8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d',
    record:
      '16 03 01 02 00 01 00 01 fc 03 03 1b c3 ce b6 bb ' +
      'e3 9c ff 93 83 55 b5 a5 0a db 6d b2 1b 7a 6a f6 ' +
      '49 d7 b4 bc 41 9d 78 76 48 7d 95 00 00 06 13 01 ' +
      '13 03 13 02 01 00 01 cd 00 00 00 0b 00 09 00 00 ' +
      '06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 ' +
      '00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 ' +
      '01 03 01 04 00 33 00 26 00 24 00 1d 00 20 e4 ff ' +
      'b6 8a c0 5f 8d 96 c9 9d a2 66 98 34 6c 6b e1 64 ' +
      '82 ba dd da fe 05 1a 66 b4 f1 8d 66 8f 0b 00 2a ' +
      '00 00 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 ' +
      '03 05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 ' +
      '01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 ' +
      '02 01 01 00 1c 00 02 40 01 00 15 00 57 00 00 00 ' +
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ' +
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ' +
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ' +
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ' +
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ' +
      '00 00 00 00 00 29 00 dd 00 b8 00 b2 2c 03 5d 82 ' +
      '93 59 ee 5f f7 af 4e c9 00 00 00 00 26 2a 64 94 ' +
      'dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70 ad 3c ' +
      '49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 ' +
      '97 a3 a9 82 11 72 83 f8 2a 03 a1 43 ef d3 ff 5d ' +
      'd3 6d 64 e8 61 be 7f d6 1d 28 27 db 27 9c ce 14 ' +
      '50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0 37 25 a6 ' +
      'a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 ' +
      '7f a5 90 6c 5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 ' +
      '14 70 f9 fb f2 97 b5 ae a6 17 64 6f ac 5c 03 27 ' +
      '2e 97 07 27 c6 21 a7 91 41 ef 5f 7d e6 50 5e 5b ' +
      'fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 fa d6 ' +
      'aa cb 00 21 20 3a dd 4f b2 d8 fd f8 22 a0 ca 3c ' +
      'f7 67 8e f5 e8 8d ae 99 01 41 c5 92 4d 57 bb 6f ' +
      'a3 1b 9e 5f 9d',
  },
  {
    name: 'client_early_data',
    sender: 'client',
    contentType: 23,
    keys: 'clientEarly',
    seq: 0,
    payload: '41 42 43 44 45 46',
    record: '17 03 03 00 17 ab 1d f4 20 e7 5c 45 7a 7c c5 d2 ' + '84 4f 76 d5 ae e4 b4 ed bf 04 9b e0',
  },
  {
    name: 'server_hello',
    sender: 'server',
    contentType: 22,
    keys: null,
    seq: 0,
    payload:
      '02 00 00 5c 03 03 3c cf d2 de c8 90 22 27 63 47 ' +
      '2a e8 13 67 77 c9 d7 35 87 77 bb 66 e9 1e a5 12 ' +
      '24 95 f5 59 ea 2d 00 13 01 00 00 34 00 29 00 02 ' +
      '00 00 00 33 00 24 00 1d 00 20 12 17 61 ee 42 c3 ' +
      '33 e1 b9 e7 7b 60 dd 57 c2 05 3c d9 45 12 ab 47 ' +
      'f1 15 e8 6e ff 50 94 2c ea 31 00 2b 00 02 03 04',
    record:
      '16 03 03 00 60 02 00 00 5c 03 03 3c cf d2 de c8 ' +
      '90 22 27 63 47 2a e8 13 67 77 c9 d7 35 87 77 bb ' +
      '66 e9 1e a5 12 24 95 f5 59 ea 2d 00 13 01 00 00 ' +
      '34 00 29 00 02 00 00 00 33 00 24 00 1d 00 20 12 ' +
      '17 61 ee 42 c3 33 e1 b9 e7 7b 60 dd 57 c2 05 3c ' +
      'd9 45 12 ab 47 f1 15 e8 6e ff 50 94 2c ea 31 00 ' +
      '2b 00 02 03 04',
  },
  {
    name: 'server_encrypted_flight',
    sender: 'server',
    contentType: 22,
    keys: 'serverHandshake',
    seq: 0,
    payload:
      '08 00 00 28 00 26 00 0a 00 14 00 12 00 1d 00 17 ' +
      '00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c ' +
      '00 02 40 01 00 00 00 00 00 2a 00 00 14 00 00 20 ' +
      '48 d3 e0 e1 b3 d9 07 c6 ac ff 14 5e 16 09 03 88 ' +
      'c7 7b 05 c0 50 b6 34 ab 1a 88 bb d0 dd 1a 34 b2',
    record:
      '17 03 03 00 61 dc 48 23 7b 4b 87 9f 50 d0 d4 d2 ' +
      '62 ea 8b 47 16 eb 40 dd c1 eb 95 7e 11 12 6e 8a ' +
      '71 49 c2 d0 12 d3 7a 71 15 95 7e 64 ce 30 00 8b ' +
      '9e 03 23 f2 c0 5a 9c 1c 77 b4 f3 78 49 a6 95 ab ' +
      '25 50 60 a3 3f ee 77 0c a9 5c b8 48 6b fd 08 43 ' +
      'b8 70 24 86 5c a3 5c c4 1c 4e 51 5c 64 dc b1 36 ' +
      '9f 98 63 5b c7 a5',
  },
  {
    name: 'client_end_of_early_data',
    sender: 'client',
    contentType: 22,
    keys: 'clientEarly',
    seq: 1,
    payload: '05 00 00 00',
    record: '17 03 03 00 15 ac a6 fc 94 48 41 29 8d f9 95 93 ' + '72 5f 9b f9 75 44 29 b1 2f 09',
  },
  {
    name: 'client_finished',
    sender: 'client',
    contentType: 22,
    keys: 'clientHandshake',
    seq: 0,
    payload: '14 00 00 20 72 30 a9 c9 52 c2 5c d6 13 8f c5 e6 ' + '62 83 08 c4 1c 53 35 dd 81 b9 f9 6b ce a5 0f d3 ' + '2b da 41 6d',
    record:
      '17 03 03 00 35 00 f8 b4 67 d1 4c f2 2a 4b 3f 0b ' +
      '6a e0 d8 e6 cc 8d 08 e0 db 35 15 ef 5c 2b df 19 ' +
      '22 ea fb b7 00 09 96 47 16 d8 34 fb 70 c3 d2 a5 ' +
      '6c 5b 1f 5f 6b db a6 c3 33 cf',
  },
  {
    name: 'client_application_data',
    sender: 'client',
    contentType: 23,
    keys: 'clientApplication',
    seq: 0,
    payload:
      '00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ' +
      '10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f ' +
      '20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f ' +
      '30 31',
    record:
      '17 03 03 00 43 b1 ce bc e2 42 aa 20 1b e9 ae 5e ' +
      '1c b2 a9 aa 4b 33 d4 e8 66 af 1e db 06 89 19 23 ' +
      '77 41 aa 03 1d 7a 74 d4 91 c9 9b 9d 4e 23 2b 74 ' +
      '20 6b c6 fb aa 04 fe 78 be 44 a9 b4 f5 43 20 a1 ' +
      '7e b7 69 92 af ac 31 03',
  },
  {
    name: 'server_application_data',
    sender: 'server',
    contentType: 23,
    keys: 'serverApplication',
    seq: 0,
    payload:
      '00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ' +
      '10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f ' +
      '20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f ' +
      '30 31',
    record:
      '17 03 03 00 43 27 5e 9f 20 ac ff 57 bc 00 06 57 ' +
      'd3 86 7d f0 39 cc cf 79 04 78 84 cf 75 77 17 46 ' +
      'f7 40 b5 a8 3f 46 2a 09 54 c3 58 13 93 a2 03 a2 ' +
      '5a 7d d1 41 41 ef 1a 37 90 0c db 62 ff 62 de e1 ' +
      'ba 39 ab 25 90 cb f1 94',
  },
  {
    name: 'client_close_notify',
    sender: 'client',
    contentType: 21,
    keys: 'clientApplication',
    seq: 1,
    payload: '01 00',
    record: '17 03 03 00 13 0f ac ce 32 46 bd fc 63 69 83 8d ' + '6a 82 ae 6d e5 d4 22 dc',
  },
  {
    name: 'server_close_notify',
    sender: 'server',
    contentType: 21,
    keys: 'serverApplication',
    seq: 1,
    payload: '01 00',
    record: '17 03 03 00 13 5b 18 af 44 4e 8e 1e ec 71 58 fb ' + '62 d8 f2 57 7d 37 ba 5d',
  },
];
