/**
 * RFC 8448 §7 ("Compatibility Mode"): every record of the trace, with the traffic keys
 * and IVs printed there. Middlebox compatibility mode (RFC 8446
 * §D.4): a 32-byte legacy_session_id and one change_cipher_spec record from each side.
 * Copied from the RFC text ("payload" and "complete record" of each "send ... record" step, hex as
 * printed, grouped by 16 bytes), so no test reads ../shared. All keys are TLS_AES_128_GCM_SHA256.
 * Same shape as rfc8448-records.ts; `seq` counts records under `keys`.
 */
import type { RecordVector, TrafficKeyVector } from './rfc8448-records.js';

export const RFC8448_COMPAT_KEYS = {
  /** {server}  derive write traffic keys for handshake data: */
  serverHandshake: {
    key: '04 10 91 fd ab 29 f2 c8 ab fb 15 6d c5 fc 8d 54',
    iv: '74 64 d7 91 68 5d e0 59 98 fc ba db',
  },
  /** {server}  derive write traffic keys for application data: */
  serverApplication: {
    key: 'ed c4 cb d0 04 1c 28 cc 71 67 44 1d 7c a5 3e 6a',
    iv: 'bf 6c 7d 8e 0a 95 45 b4 27 dc f1 39',
  },
  /** {server}  derive read traffic keys for handshake data: */
  clientHandshake: {
    key: '62 d1 3c 13 ff d7 40 2f c1 c0 9e 3d 16 36 65 cb',
    iv: '71 66 f2 00 28 bf 14 6d cf bd 5a 40',
  },
  /** {client}  derive write traffic keys for application data: */
  clientApplication: {
    key: '33 d7 f9 70 97 56 c9 66 48 8a d4 43 84 37 e6 73',
    iv: 'c5 f3 0d 34 b0 e9 1b 7d 6c 8e ea 65',
  },
} as const satisfies Record<string, TrafficKeyVector>;

/** In trace order. */
export const RFC8448_COMPAT_RECORDS: readonly RecordVector[] = [
  {
    name: 'client_hello',
    sender: 'client',
    contentType: 22,
    keys: null,
    seq: 0,
    payload:
      '01 00 00 dc 03 03 4e 64 0a 3f 2c 27 38 f0 9c 94 ' +
      '18 bd 78 ed cc d7 55 9d 05 31 19 92 76 d4 d9 2a ' +
      '0e 9e e9 d7 7d 09 20 a8 0c 16 55 81 a8 e0 d0 6c ' +
      '00 18 d5 4d 3a 06 dd 32 cf d4 05 1e b0 26 fa d3 ' +
      'fd 0b a9 92 69 e6 ef 00 06 13 01 13 03 13 02 01 ' +
      '00 00 8d 00 00 00 0b 00 09 00 00 06 73 65 72 76 ' +
      '65 72 ff 01 00 01 00 00 0a 00 14 00 12 00 1d 00 ' +
      '17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 ' +
      '33 00 26 00 24 00 1d 00 20 8e 72 92 cf 30 56 db ' +
      'b0 d2 5f cb e5 5c 10 7d c9 bb f8 3d d9 70 8f 39 ' +
      '20 3b a3 41 24 9a 7d 9b 63 00 2b 00 03 02 03 04 ' +
      '00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 ' +
      '08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 ' +
      '06 02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01',
    record:
      '16 03 01 00 e0 01 00 00 dc 03 03 4e 64 0a 3f 2c ' +
      '27 38 f0 9c 94 18 bd 78 ed cc d7 55 9d 05 31 19 ' +
      '92 76 d4 d9 2a 0e 9e e9 d7 7d 09 20 a8 0c 16 55 ' +
      '81 a8 e0 d0 6c 00 18 d5 4d 3a 06 dd 32 cf d4 05 ' +
      '1e b0 26 fa d3 fd 0b a9 92 69 e6 ef 00 06 13 01 ' +
      '13 03 13 02 01 00 00 8d 00 00 00 0b 00 09 00 00 ' +
      '06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 ' +
      '00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 ' +
      '01 03 01 04 00 33 00 26 00 24 00 1d 00 20 8e 72 ' +
      '92 cf 30 56 db b0 d2 5f cb e5 5c 10 7d c9 bb f8 ' +
      '3d d9 70 8f 39 20 3b a3 41 24 9a 7d 9b 63 00 2b ' +
      '00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 ' +
      '03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 ' +
      '01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 ' +
      '1c 00 02 40 01',
  },
  {
    name: 'server_hello',
    sender: 'server',
    contentType: 22,
    keys: null,
    seq: 0,
    payload:
      '02 00 00 76 03 03 e5 dd 59 48 c4 35 f7 a3 8f 0f ' +
      '01 30 70 8d c3 22 d9 df 09 ab d4 83 81 17 c1 83 ' +
      'a7 bb 6d 99 4f 2c 20 a8 0c 16 55 81 a8 e0 d0 6c ' +
      '00 18 d5 4d 3a 06 dd 32 cf d4 05 1e b0 26 fa d3 ' +
      'fd 0b a9 92 69 e6 ef 13 01 00 00 2e 00 33 00 24 ' +
      '00 1d 00 20 3e 30 f0 f4 ba 55 1a fd 62 76 83 41 ' +
      '17 5f 52 65 e4 da f0 c8 84 16 17 aa 4f af dd 21 ' +
      '42 32 0c 22 00 2b 00 02 03 04',
    record:
      '16 03 03 00 7a 02 00 00 76 03 03 e5 dd 59 48 c4 ' +
      '35 f7 a3 8f 0f 01 30 70 8d c3 22 d9 df 09 ab d4 ' +
      '83 81 17 c1 83 a7 bb 6d 99 4f 2c 20 a8 0c 16 55 ' +
      '81 a8 e0 d0 6c 00 18 d5 4d 3a 06 dd 32 cf d4 05 ' +
      '1e b0 26 fa d3 fd 0b a9 92 69 e6 ef 13 01 00 00 ' +
      '2e 00 33 00 24 00 1d 00 20 3e 30 f0 f4 ba 55 1a ' +
      'fd 62 76 83 41 17 5f 52 65 e4 da f0 c8 84 16 17 ' +
      'aa 4f af dd 21 42 32 0c 22 00 2b 00 02 03 04',
  },
  {
    name: 'server_change_cipher_spec',
    sender: 'server',
    contentType: 20,
    keys: null,
    seq: 0,
    payload: '01',
    record: '14 03 03 00 01 01',
  },
  {
    name: 'server_encrypted_flight',
    sender: 'server',
    contentType: 22,
    keys: 'serverHandshake',
    seq: 0,
    payload:
      '08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17 ' +
      '00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c ' +
      '00 02 40 01 00 00 00 00 0b 00 01 b9 00 00 01 b5 ' +
      '00 01 b0 30 82 01 ac 30 82 01 15 a0 03 02 01 02 ' +
      '02 01 02 30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b ' +
      '05 00 30 0e 31 0c 30 0a 06 03 55 04 03 13 03 72 ' +
      '73 61 30 1e 17 0d 31 36 30 37 33 30 30 31 32 33 ' +
      '35 39 5a 17 0d 32 36 30 37 33 30 30 31 32 33 35 ' +
      '39 5a 30 0e 31 0c 30 0a 06 03 55 04 03 13 03 72 ' +
      '73 61 30 81 9f 30 0d 06 09 2a 86 48 86 f7 0d 01 ' +
      '01 01 05 00 03 81 8d 00 30 81 89 02 81 81 00 b4 ' +
      'bb 49 8f 82 79 30 3d 98 08 36 39 9b 36 c6 98 8c ' +
      '0c 68 de 55 e1 bd b8 26 d3 90 1a 24 61 ea fd 2d ' +
      'e4 9a 91 d0 15 ab bc 9a 95 13 7a ce 6c 1a f1 9e ' +
      'aa 6a f9 8c 7c ed 43 12 09 98 e1 87 a8 0e e0 cc ' +
      'b0 52 4b 1b 01 8c 3e 0b 63 26 4d 44 9a 6d 38 e2 ' +
      '2a 5f da 43 08 46 74 80 30 53 0e f0 46 1c 8c a9 ' +
      'd9 ef bf ae 8e a6 d1 d0 3e 2b d1 93 ef f0 ab 9a ' +
      '80 02 c4 74 28 a6 d3 5a 8d 88 d7 9f 7f 1e 3f 02 ' +
      '03 01 00 01 a3 1a 30 18 30 09 06 03 55 1d 13 04 ' +
      '02 30 00 30 0b 06 03 55 1d 0f 04 04 03 02 05 a0 ' +
      '30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05 00 03 ' +
      '81 81 00 85 aa d2 a0 e5 b9 27 6b 90 8c 65 f7 3a ' +
      '72 67 17 06 18 a5 4c 5f 8a 7b 33 7d 2d f7 a5 94 ' +
      '36 54 17 f2 ea e8 f8 a5 8c 8f 81 72 f9 31 9c f3 ' +
      '6b 7f d6 c5 5b 80 f2 1a 03 01 51 56 72 60 96 fd ' +
      '33 5e 5e 67 f2 db f1 02 70 2e 60 8c ca e6 be c1 ' +
      'fc 63 a4 2a 99 be 5c 3e b7 10 7c 3c 54 e9 b9 eb ' +
      '2b d5 20 3b 1c 3b 84 e0 a8 b2 f7 59 40 9b a3 ea ' +
      'c9 d9 1d 40 2d cc 0c c8 f8 96 12 29 ac 91 87 b4 ' +
      '2b 4d e1 00 00 0f 00 00 84 08 04 00 80 a2 30 1a ' +
      '68 dd 1c ee e6 93 8f e9 d4 0c 46 b9 20 1b 34 d5 ' +
      '99 52 a3 7e 06 52 3a 39 cf 8b a6 c9 c8 b6 8a e9 ' +
      '44 92 af 78 05 16 ed 7b 73 c8 28 12 e9 9d d3 fa ' +
      'be a4 5e 09 d9 c6 84 87 21 c2 80 8c 61 50 1b 0c ' +
      '75 e7 fc ab a5 f7 8b ef 68 a2 c2 b6 9b 19 55 8b ' +
      '3e 40 38 7e ea 93 d2 5c 77 81 c1 cc 00 e9 f5 19 ' +
      'f7 e2 e4 ad b7 3e 76 d6 60 89 00 0a 2d c8 66 c2 ' +
      'ed 30 bb a5 0a 0d 45 7f 19 dc 6e b9 f3 14 00 00 ' +
      '20 c8 c3 a8 f1 bf f5 27 40 61 f4 bc 3a 7c af fb ' +
      'dc 96 16 09 4c a6 25 ca a6 5f 8e 76 ed 46 db 74 ' +
      'd3',
    record:
      '17 03 03 02 a2 48 de 89 1d 9c 36 24 a6 7a 6c 6f ' +
      '06 01 ab 7a c2 0c 1f 6a 9e 14 d2 e6 00 7e 99 9e ' +
      '13 03 67 a8 af 1b cf ea 94 98 fb ce 19 df 45 05 ' +
      'ee ce 3a 25 da 52 3c be 55 ea 1b 3b da 4e 91 99 ' +
      '5e 45 5d 50 0a 4f aa 62 27 b7 11 1e 1c 85 47 e2 ' +
      'd7 c1 79 db 21 53 03 d2 58 27 f3 cd 18 f4 8f 64 ' +
      '91 32 8c f5 c0 f8 14 d3 88 15 0b d9 e9 26 4a ae ' +
      '49 1d b6 99 50 69 be a1 76 65 d5 e0 c8 17 28 4d ' +
      '4a c2 18 80 05 4c 36 57 33 1e 23 a9 30 4d c8 8a ' +
      '15 c0 4e c8 0b d3 85 2b f7 f9 d3 c6 61 5b 15 fa ' +
      'c8 3b bc a0 31 c6 d2 31 0d 9f 5d 7a 4b 02 0a 4f ' +
      '7c 19 06 2b 65 c0 5a 1d 32 64 b5 57 ec 9d 8e 0f ' +
      '7c ee 27 e3 6f 79 30 39 de 8d d9 6e df ca 90 09 ' +
      'e0 65 10 34 bf f3 1d 7f 34 9e ec e0 1d 99 fc b5 ' +
      'fc ab 84 0d 77 07 c7 22 99 c3 b5 d0 45 64 e8 80 ' +
      'a3 3c 5e 84 6c 76 2e 3d 92 2b b5 53 03 d1 d8 7c ' +
      'c0 f0 65 73 f1 7d cb 9b 8f fd 35 bb d8 83 c1 cb ' +
      '3a a2 4f cc 32 50 05 f7 68 ce 2f b6 24 ca 97 b6 ' +
      'c4 d9 8e 17 f3 5b c2 c7 94 0a 06 10 0c 2d 44 8d ' +
      'b7 18 0b 2d 86 21 64 43 5c 9c 21 0e 98 60 39 4e ' +
      '05 aa b2 3f f1 b0 20 3f 66 2c 58 8d a5 bc 44 11 ' +
      '47 7a 30 b4 11 36 c4 88 a0 a6 3f ca b5 c1 5a c6 ' +
      '13 22 6d ae 82 7a 1d 1f e9 5e ce 6b 30 bc ee 15 ' +
      '60 a8 d4 08 d2 64 55 5e 76 0f 9b fc 62 4c 2c 87 ' +
      'fd 04 56 c9 bf b4 1b cd 1a 7b 21 27 86 d2 b6 7f ' +
      'd5 78 04 fa cf a1 ee f7 cf 29 19 d8 b9 98 c9 78 ' +
      '9f 76 3b 4d 9c aa 09 3a 9d ed 43 17 5d 46 a7 6b ' +
      '4d 54 f0 ce 0c 5d 22 59 b6 07 e3 0a 9d 24 12 63 ' +
      '87 4f a5 9d 6f 57 0d c4 0d 83 a2 d8 3b f9 e9 85 ' +
      '0d 45 4c 57 80 65 35 a8 99 8a e0 35 7d f9 2f 00 ' +
      'b9 66 73 44 c2 41 14 cc c9 ef 53 91 24 b2 04 e7 ' +
      'e6 e7 48 c3 0a 28 a3 d1 d1 83 99 72 43 ea cc bb ' +
      'd3 3b 0c 11 15 a0 32 71 06 a1 e6 a7 52 71 d4 98 ' +
      '30 86 f6 32 ff 0e b8 b4 c6 31 02 cb ce f5 bb 72 ' +
      'da e1 27 9d 5d e8 eb 19 09 6d 8c db 07 fa 8e a9 ' +
      '89 78 8f ac 23 e6 6e 04 88 c1 93 f3 f3 fe a8 c8 ' +
      '83 88 96 bf 3a e4 b6 84 8d 42 ce d4 bd f4 1a be ' +
      '6f c3 31 b4 42 25 e7 a1 f7 d3 56 41 47 d5 45 8e ' +
      '71 aa 90 9c b0 2b e9 58 bb c4 2e 3a a5 a2 7c c6 ' +
      'ea f4 b6 fe 51 ae 44 95 69 4d 8a b6 32 0a ab 92 ' +
      '01 83 fd 5b 31 a3 59 04 2f bd 67 39 1e c5 e4 d1 ' +
      '89 2a 2e 52 10 14 1a 49 4e 93 01 b2 4a 11 3c 47 ' +
      '4c 7f 2a 73 45 78 47',
  },
  {
    name: 'client_change_cipher_spec',
    sender: 'client',
    contentType: 20,
    keys: null,
    seq: 0,
    payload: '01',
    record: '14 03 03 00 01 01',
  },
  {
    name: 'client_finished',
    sender: 'client',
    contentType: 22,
    keys: 'clientHandshake',
    seq: 0,
    payload: '14 00 00 20 69 2c ab 15 5c c6 c1 00 ea d6 07 33 ' + 'd0 61 7f 6f b0 9b 71 aa 1e 8c 9a cc bb bc 9e 8e ' + 'd3 36 c1 dd',
    record:
      '17 03 03 00 35 32 d0 30 e2 73 77 3a 86 96 c7 99 ' +
      '98 1a f6 ce d0 7f 87 48 2e 81 56 5e 39 4e 87 c8 ' +
      '67 f3 3d f3 d6 5b 75 06 f1 a6 26 af 91 d4 82 1d ' +
      '5f 7a 1f 21 0e f8 dd 3c 6d 16',
  },
  {
    name: 'client_close_notify',
    sender: 'client',
    contentType: 21,
    keys: 'clientApplication',
    seq: 0,
    payload: '01 00',
    record: '17 03 03 00 13 0f 62 91 55 38 2d ba 23 c4 e2 c5 ' + 'f7 f8 4e 6f 2e d3 08 3d',
  },
  {
    name: 'server_close_notify',
    sender: 'server',
    contentType: 21,
    keys: 'serverApplication',
    seq: 0,
    payload: '01 00',
    record: '17 03 03 00 13 b7 25 7b 0f ec af 69 d4 f0 9e 3f ' + '89 1e 2a 25 d1 e2 88 45',
  },
];
