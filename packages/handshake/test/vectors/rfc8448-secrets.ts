/**
 * Values printed in RFC 8448 ("Example Handshake Traces for TLS 1.3"), sections 3 to 7,
 * copied out of the RFC text: every step that prints bytes, minus the "send ... record"
 * dumps (except the §4 ClientHello record payload, the only place the RFC prints that
 * ClientHello with its binder). Each step keeps the RFC's side, its action line verbatim
 * and its fields under the RFC's names; hex is as printed, in lines of 32 bytes (read it
 * with `fromHex`, which ignores whitespace). Tests never read ../shared.
 *
 * "salt: 0 (all zero octets)" and "(empty)" are kept as ''.
 */

export type Rfc8448Side = 'client' | 'server';

export interface Rfc8448Step {
  readonly side: Rfc8448Side;
  /** The RFC's action line, e.g. 'derive secret "tls13 c hs traffic":'. */
  readonly action: string;
  /** Field name as printed ("PRK", "hash", "info", "expanded", "key expanded", ...) → hex. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface Rfc8448Trace {
  /** RFC 8448 section number. */
  readonly section: number;
  readonly title: string;
  /** Every trace negotiates TLS_AES_128_GCM_SHA256 (cipher_suite 0x1301 in its ServerHello). */
  readonly suite: 'TLS_AES_128_GCM_SHA256';
  readonly steps: readonly Rfc8448Step[];
}

const step = (side: Rfc8448Side, action: string, fields: Record<string, string>): Rfc8448Step => ({ side, action, fields });

/** RFC 8448 §3. Simple 1-RTT Handshake. */
export const RFC8448_SIMPLE: Rfc8448Trace = {
  section: 3,
  title: 'Simple 1-RTT Handshake',
  suite: 'TLS_AES_128_GCM_SHA256',
  steps: [
    step('client', 'create an ephemeral x25519 key pair:', {
      'private key': '49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005',
      'public key': '99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c',
    }),
    step('client', 'construct a ClientHello handshake message:', {
      ClientHello: `
        010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef
        6283024dece7000006130113031302010000910000000b000900000673657276
        6572ff01000100000a00140012001d0017001800190100010101020103010400
        230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e
        51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603
        020308040805080604010501060102010402050206020202002d00020101001c
        00024001
      `,
    }),
    step('server', 'extract secret "early":', {
      salt: '',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
    }),
    step('server', 'create an ephemeral x25519 key pair:', {
      'private key': 'b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e',
      'public key': 'c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f',
    }),
    step('server', 'construct a ServerHello handshake message:', {
      ServerHello: `
        020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155
        772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdb
        f7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304
      `,
    }),
    step('server', 'derive secret for handshake "tls13 derived":', {
      PRK: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    }),
    step('server', 'extract secret "handshake":', {
      salt: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
      IKM: '8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d',
      secret: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
    }),
    step('server', 'derive secret "tls13 c hs traffic":', {
      PRK: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
      hash: '860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8',
      info: `
        002012746c7331332063206873207472616666696320860c06edc07858ee8e78
        f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8
      `,
      expanded: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
    }),
    step('server', 'derive secret "tls13 s hs traffic":', {
      PRK: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
      hash: '860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8',
      info: `
        002012746c7331332073206873207472616666696320860c06edc07858ee8e78
        f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8
      `,
      expanded: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
    }),
    step('server', 'derive secret for master "tls13 derived":', {
      PRK: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4',
    }),
    step('server', 'extract secret "master":', {
      salt: '43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
    }),
    step('server', 'derive write traffic keys for handshake data:', {
      PRK: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
      'key info': '001009746c733133206b657900',
      'key expanded': '3fce516009c21727d0f2e4e86ee403bc',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '5d313eb2671276ee13000b30',
    }),
    step('server', 'construct an EncryptedExtensions handshake message:', {
      EncryptedExtensions: `
        080000240022000a00140012001d00170018001901000101010201030104001c
        0002400100000000
      `,
    }),
    step('server', 'construct a Certificate handshake message:', {
      Certificate: `
        0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a
        864886f70d01010b0500300e310c300a06035504031303727361301e170d3136
        303733303031323335395a170d3236303733303031323335395a300e310c300a
        0603550403130372736130819f300d06092a864886f70d010101050003818d00
        30818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826
        d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312
        0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda4308467480
        30530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a
        8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355
        1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5
        b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a5
        8c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102
        702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0
        a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000
      `,
    }),
    step('server', 'construct a CertificateVerify handshake message:', {
      CertificateVerify: `
        0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145a
        b3ff52f1fda8477b0b7abc90db78e2d33a5c141a078653fa6bef780c5ea248ee
        aaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c
        9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea2
        0d53dfacd42f74f3
      `,
    }),
    step('server', 'calculate finished "tls13 finished":', {
      PRK: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8',
      finished: '9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718',
    }),
    step('server', 'construct a Finished handshake message:', {
      Finished: `
        140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454
        b78f0718
      `,
    }),
    step('server', 'derive secret "tls13 c ap traffic":', {
      PRK: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
      hash: '9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13',
      info: `
        002012746c73313320632061702074726166666963209608102a0f1ccc6db625
        0b7b7e417b1a000eaada3daae4777a7686c9ff83df13
      `,
      expanded: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
    }),
    step('server', 'derive secret "tls13 s ap traffic":', {
      PRK: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
      hash: '9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13',
      info: `
        002012746c73313320732061702074726166666963209608102a0f1ccc6db625
        0b7b7e417b1a000eaada3daae4777a7686c9ff83df13
      `,
      expanded: 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
    }),
    step('server', 'derive secret "tls13 exp master":', {
      PRK: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
      hash: '9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13',
      info: `
        002010746c73313320657870206d6173746572209608102a0f1ccc6db6250b7b
        7e417b1a000eaada3daae4777a7686c9ff83df13
      `,
      expanded: 'fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50',
    }),
    step('server', 'derive write traffic keys for application data:', {
      PRK: 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
      'key info': '001009746c733133206b657900',
      'key expanded': '9f02283b6c9c07efc26bb9f2ac92e356',
      'iv info': '000c08746c73313320697600',
      'iv expanded': 'cf782b88dd83549aadf1e984',
    }),
    step('server', 'derive read traffic keys for handshake data:', {
      PRK: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
      'key info': '001009746c733133206b657900',
      'key expanded': 'dbfaa693d1762c5b666af5d950258d01',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '5bd3c71b836e0b76bb73265f',
    }),
    step('client', 'derive secret for handshake "tls13 derived":', {
      PRK: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    }),
    step('client', 'calculate finished "tls13 finished":', {
      PRK: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: 'b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4',
      finished: 'a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61',
    }),
    step('client', 'construct a Finished handshake message:', {
      Finished: `
        14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2
        edd5ce61
      `,
    }),
    step('client', 'derive write traffic keys for application data:', {
      PRK: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
      'key info': '001009746c733133206b657900',
      'key expanded': '17422dda596ed5d9acd890e3c63f5051',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '5b78923dee08579033e523d9',
    }),
    step('client', 'derive secret "tls13 res master":', {
      PRK: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
      hash: '209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d',
      info: `
        002010746c73313320726573206d617374657220209145a96ee8e2a122ff8100
        47cc952684658d6049e86429426db87c54ad143d
      `,
      expanded: '7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c',
    }),
    step('server', 'generate resumption secret "tls13 resumption":', {
      PRK: '7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c',
      hash: '0000',
      info: '002010746c73313320726573756d7074696f6e020000',
      expanded: '4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3',
    }),
    step('server', 'construct a NewSessionTicket handshake message:', {
      NewSessionTicket: `
        040000c90000001efad6aac502000000b22c035d829359ee5ff7af4ec9000000
        00262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c9367c09a2be785a
        bc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827
        db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529
        513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea61764
        6fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934a
        e4d3570008002a000400000400
      `,
    }),
  ],
};

/** RFC 8448 §4. Resumed 0-RTT Handshake. */
export const RFC8448_RESUMED_0RTT: Rfc8448Trace = {
  section: 4,
  title: 'Resumed 0-RTT Handshake',
  suite: 'TLS_AES_128_GCM_SHA256',
  steps: [
    step('client', 'create an ephemeral x25519 key pair:', {
      'private key': 'bff91188283846dd6a2134ef7180ca2b0b14fb10dce707b5098c0dddc813b2df',
      'public key': 'e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4f18d668f0b',
    }),
    step('client', 'extract secret "early":', {
      salt: '',
      IKM: '4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3',
      secret: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
    }),
    step('client', 'construct a ClientHello handshake message:', {
      ClientHello: `
        010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc41
        9d7876487d95000006130113031302010001cd0000000b000900000673657276
        6572ff01000100000a00140012001d0017001800190100010101020103010400
        3300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe
        051a66b4f18d668f0b002a0000002b0003020304000d0020001e040305030603
        020308040805080604010501060102010402050206020202002d00020101001c
        0002400100150057000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        2900dd00b800b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a
        34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a98211
        7283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3
        664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b
        3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c6
        21a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb
      `,
    }),
    step('client', 'calculate PSK binder:', {
      'ClientHello prefix': `
        010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc41
        9d7876487d95000006130113031302010001cd0000000b000900000673657276
        6572ff01000100000a00140012001d0017001800190100010101020103010400
        3300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe
        051a66b4f18d668f0b002a0000002b0003020304000d0020001e040305030603
        020308040805080604010501060102010402050206020202002d00020101001c
        0002400100150057000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        2900dd00b800b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a
        34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a98211
        7283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3
        664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b
        3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c6
        21a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb
      `,
      'binder hash': '63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14',
      PRK: '69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '5588673e72cb59c87d220caffe94f2dea9a3b1609f7d50e90a48227db9ed7eaa',
      finished: '3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d',
    }),
    step('client', 'send handshake record:', {
      payload: `
        010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc41
        9d7876487d95000006130113031302010001cd0000000b000900000673657276
        6572ff01000100000a00140012001d0017001800190100010101020103010400
        3300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe
        051a66b4f18d668f0b002a0000002b0003020304000d0020001e040305030603
        020308040805080604010501060102010402050206020202002d00020101001c
        0002400100150057000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        2900dd00b800b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a
        34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a98211
        7283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3
        664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b
        3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c6
        21a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb002120
        3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d
      `,
    }),
    step('client', 'derive secret "tls13 c e traffic":', {
      PRK: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
      hash: '08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913',
      info: `
        002011746c7331332063206520747261666669632008ad0fa05d7c7233b1775b
        a2ff9f4c5b8b59276b7f227f13a976245f5d960913
      `,
      expanded: '3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62',
    }),
    step('client', 'derive secret "tls13 e exp master":', {
      PRK: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
      hash: '08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913',
      info: `
        002012746c733133206520657870206d61737465722008ad0fa05d7c7233b177
        5ba2ff9f4c5b8b59276b7f227f13a976245f5d960913
      `,
      expanded: 'b2026866610937d7423e5be90862ccf24c0e6091186d34f812089ff5be2ef7df',
    }),
    step('client', 'derive write traffic keys for early application data:', {
      PRK: '3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62',
      'key info': '001009746c733133206b657900',
      'key expanded': '920205a5b7bf2115e6fc5c2942834f54',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '6d475f0993c8e564610db2b9',
    }),
    step('server', 'create an ephemeral x25519 key pair:', {
      'private key': 'de5b4476e7b490b2652d338acbf2948066f255f9440e23b98fc69835298dc107',
      'public key': '121761ee42c333e1b9e77b60dd57c2053cd94512ab47f115e86eff50942cea31',
    }),
    step('server', 'construct a ServerHello handshake message:', {
      ServerHello: `
        0200005c03033ccfd2dec890222763472ae8136777c9d7358777bb66e91ea512
        2495f559ea2d00130100003400290002000000330024001d0020121761ee42c3
        33e1b9e77b60dd57c2053cd94512ab47f115e86eff50942cea31002b00020304
      `,
    }),
    step('server', 'derive secret for handshake "tls13 derived":', {
      PRK: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '5f1790bbd82c5e7d376ed2e1e52f8e6038c9346db61b43be9a52f77ef3998e80',
    }),
    step('server', 'extract secret "handshake":', {
      salt: '5f1790bbd82c5e7d376ed2e1e52f8e6038c9346db61b43be9a52f77ef3998e80',
      IKM: 'f44194756ff9ec9d25180635d66ea6824c6ab3bf179977be37f723570e7ccb2e',
      secret: '005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6',
    }),
    step('server', 'derive secret "tls13 c hs traffic":', {
      PRK: '005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6',
      hash: 'f736cb34fe25e701551bee6fd24c1cc7102a7daf9405cb15d97aafe16f757d03',
      info: `
        002012746c7331332063206873207472616666696320f736cb34fe25e701551b
        ee6fd24c1cc7102a7daf9405cb15d97aafe16f757d03
      `,
      expanded: '2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f',
    }),
    step('server', 'derive secret "tls13 s hs traffic":', {
      PRK: '005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6',
      hash: 'f736cb34fe25e701551bee6fd24c1cc7102a7daf9405cb15d97aafe16f757d03',
      info: `
        002012746c7331332073206873207472616666696320f736cb34fe25e701551b
        ee6fd24c1cc7102a7daf9405cb15d97aafe16f757d03
      `,
      expanded: 'fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803',
    }),
    step('server', 'derive secret for master "tls13 derived":', {
      PRK: '005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: 'e2f16030251df0874ba19b9aba257610bc6d531c1dd206df0ca6e84ae2a26742',
    }),
    step('server', 'extract secret "master":', {
      salt: 'e2f16030251df0874ba19b9aba257610bc6d531c1dd206df0ca6e84ae2a26742',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
    }),
    step('server', 'derive write traffic keys for handshake data:', {
      PRK: 'fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803',
      'key info': '001009746c733133206b657900',
      'key expanded': '27c6bdc0a3dcea39a47326d79bc9e4ee',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '9569ecdd4d0536705e9ef725',
    }),
    step('server', 'construct an EncryptedExtensions handshake message:', {
      EncryptedExtensions: `
        080000280026000a00140012001d00170018001901000101010201030104001c
        0002400100000000002a0000
      `,
    }),
    step('server', 'calculate finished "tls13 finished":', {
      PRK: 'fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '4bb74cae7a5dc8914604c0bfbe2f0c062396883922bec8a15e2a9b532a5d392c',
      finished: '48d3e0e1b3d907c6acff145e16090388c77b05c050b634ab1a88bbd0dd1a34b2',
    }),
    step('server', 'construct a Finished handshake message:', {
      Finished: `
        1400002048d3e0e1b3d907c6acff145e16090388c77b05c050b634ab1a88bbd0
        dd1a34b2
      `,
    }),
    step('server', 'derive secret "tls13 c ap traffic":', {
      PRK: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
      hash: 'b0aeffc46a2cfe33114e6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3',
      info: `
        002012746c7331332063206170207472616666696320b0aeffc46a2cfe33114e
        6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3
      `,
      expanded: '2abbf2b8e381d23dbebe1dd2a7d16a8bf484cb4950d23fb7fb7fa8547062d9a1',
    }),
    step('server', 'derive secret "tls13 s ap traffic":', {
      PRK: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
      hash: 'b0aeffc46a2cfe33114e6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3',
      info: `
        002012746c7331332073206170207472616666696320b0aeffc46a2cfe33114e
        6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3
      `,
      expanded: 'cc21f1bf8feb7dd5fa505bd9c4b468a9984d554a993dc49e6d285598fb672691',
    }),
    step('server', 'derive secret "tls13 exp master":', {
      PRK: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
      hash: 'b0aeffc46a2cfe33114e6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3',
      info: `
        002010746c73313320657870206d617374657220b0aeffc46a2cfe33114e6fd7
        d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3
      `,
      expanded: '3fd93d4ffddc98e64b14dd107aedf8ee4add23f4510f58a4592d0b201bee56b4',
    }),
    step('server', 'derive write traffic keys for application data:', {
      PRK: 'cc21f1bf8feb7dd5fa505bd9c4b468a9984d554a993dc49e6d285598fb672691',
      'key info': '001009746c733133206b657900',
      'key expanded': 'e857c690a34c5a9129d833619684f95e',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '0685d6b561aab9ef1013faf9',
    }),
    step('client', 'derive secret for handshake "tls13 derived":', {
      PRK: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '5f1790bbd82c5e7d376ed2e1e52f8e6038c9346db61b43be9a52f77ef3998e80',
    }),
    step('client', 'construct an EndOfEarlyData handshake message:', {
      EndOfEarlyData: '05000000',
    }),
    step('client', 'derive write traffic keys for handshake data:', {
      PRK: '2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f',
      'key info': '001009746c733133206b657900',
      'key expanded': 'b1530806f4adfeac83f1413032bbfa82',
      'iv info': '000c08746c73313320697600',
      'iv expanded': 'eb50c16be7654abf99dd06d9',
    }),
    step('client', 'calculate finished "tls13 finished":', {
      PRK: '2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '5ace394c26980d581243f627d1150ae27e37fa52364e0a7f20ac686d09cd0e8e',
      finished: '7230a9c952c25cd6138fc5e6628308c41c5335dd81b9f96bcea50fd32bda416d',
    }),
    step('client', 'construct a Finished handshake message:', {
      Finished: `
        140000207230a9c952c25cd6138fc5e6628308c41c5335dd81b9f96bcea50fd3
        2bda416d
      `,
    }),
    step('client', 'derive write traffic keys for application data:', {
      PRK: '2abbf2b8e381d23dbebe1dd2a7d16a8bf484cb4950d23fb7fb7fa8547062d9a1',
      'key info': '001009746c733133206b657900',
      'key expanded': '3cf122f301c6358ca7989553250efd72',
      'iv info': '000c08746c73313320697600',
      'iv expanded': 'ab1aec26aa78b8fc1176b9ac',
    }),
    step('client', 'derive secret "tls13 res master":', {
      PRK: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
      hash: 'c3c122e0bd907a4a3ff6112d8fd53dbf89c773d9552e8b6b9d56d361b3a97bf6',
      info: `
        002010746c73313320726573206d617374657220c3c122e0bd907a4a3ff6112d
        8fd53dbf89c773d9552e8b6b9d56d361b3a97bf6
      `,
      expanded: '5e95bdf1f89005ea2e9aa0ba85e728e3c19c5fe0c699e3f5bee59faebd0b5406',
    }),
  ],
};

/** RFC 8448 §5. HelloRetryRequest. */
export const RFC8448_HELLO_RETRY: Rfc8448Trace = {
  section: 5,
  title: 'HelloRetryRequest',
  suite: 'TLS_AES_128_GCM_SHA256',
  steps: [
    step('client', 'create an ephemeral x25519 key pair:', {
      'private key': '0ed02f8e8117efc75ca7ac32aa7e34eda64cdc0ddad154a5e85289f959f63204',
      'public key': 'e8e8e3f3b93a25ed97a14a7dcacb8a272c6288e585c6484d05262fcad062ad1f',
    }),
    step('client', 'construct a ClientHello handshake message:', {
      ClientHello: `
        010000b00303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee92
        58a346677b6f000006130113031302010000810000000b000900000673657276
        6572ff01000100000a00080006001d00170018003300260024001d0020e8e8e3
        f3b93a25ed97a14a7dcacb8a272c6288e585c6484d05262fcad062ad1f002b00
        03020304000d0020001e04030503060302030804080508060401050106010201
        0402050206020202002d00020101001c00024001
      `,
    }),
    step('server', 'construct a ServerHello handshake message:', {
      ServerHello: `
        020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e
        09e2c8a8339c001301000084003300020017002c0074007271dcd04bb88bc318
        9119398a00000000eefafc76c146b823b096f8aacad365dd0030953f4edf6256
        36e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d
        6e50781b5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0c
        af571fb2b7cff0f934b0002b00020304
      `,
    }),
    step('client', 'create an ephemeral P-256 key pair:', {
      'private key': 'ab5473467e19346ceb0a0414e41da21d4d2445bc3025afe97c4e8dc8d513da39',
      'public key': `
        04a6da7392ec591e17abfd535964b99894d13befb221b3def2ebe3830eac8f01
        51812677c4d6d2237e85cf01d6910cfb83954e76ba7352830534159897e80657
        80
      `,
    }),
    step('client', 'construct a ClientHello handshake message:', {
      ClientHello: `
        010001fc0303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee92
        58a346677b6f000006130113031302010001cd0000000b000900000673657276
        6572ff01000100000a00080006001d001700180033004700450017004104a6da
        7392ec591e17abfd535964b99894d13befb221b3def2ebe3830eac8f01518126
        77c4d6d2237e85cf01d6910cfb83954e76ba7352830534159897e8065780002b
        0003020304000d0020001e040305030603020308040805080604010501060102
        010402050206020202002c0074007271dcd04bb88bc3189119398a00000000ee
        fafc76c146b823b096f8aacad365dd0030953f4edf625636e5f21bb2e23fcc65
        4b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4aa15b
        0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934
        b0002d00020101001c00024001001500af000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
      `,
    }),
    step('server', 'extract secret "early":', {
      salt: '',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
    }),
    step('server', 'create an ephemeral P-256 key pair:', {
      'private key': '8c510601f9765bfb8ed693449a48989859b5cfa879cb9f5443c41c5ff10634ed',
      'public key': `
        04583e054b7a66672ae020ad9d2686fcc85b5ad41a134a0f03ee72b893052bd8
        5b4c8de6776f5b04ac07d83540eab3e3d9c547bc6528c4317d294686093a6cad
        7d
      `,
    }),
    step('server', 'construct a ServerHello handshake message:', {
      ServerHello: `
        020000770303bb341d847fd789c47c387172dc0c9bf147fccacb5043d86ca4c5
        98d3ff571b9800130100004f003300450017004104583e054b7a66672ae020ad
        9d2686fcc85b5ad41a134a0f03ee72b893052bd85b4c8de6776f5b04ac07d835
        40eab3e3d9c547bc6528c4317d294686093a6cad7d002b00020304
      `,
    }),
    step('server', 'derive secret for handshake "tls13 derived":', {
      PRK: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    }),
    step('server', 'extract secret "handshake":', {
      salt: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
      IKM: 'c142ce13ca11b5c2233652e63ad3d97844f1621fbfb9de69d547dc8fedeabeb4',
      secret: 'ce022e5e6e81e50736d773f2d3adfce8220d049bf510f0dbfac927ef4243b148',
    }),
    step('server', 'derive secret "tls13 c hs traffic":', {
      PRK: 'ce022e5e6e81e50736d773f2d3adfce8220d049bf510f0dbfac927ef4243b148',
      hash: '8aa8e828ec2f8a884fec95a3139de01c15a3daa7ff5bfc3f4bfcc21b438d7bf8',
      info: `
        002012746c73313320632068732074726166666963208aa8e828ec2f8a884fec
        95a3139de01c15a3daa7ff5bfc3f4bfcc21b438d7bf8
      `,
      expanded: '158aa7ab8855073582b41d674b4055cabcc534728f659314861b4e08e2011566',
    }),
    step('server', 'derive secret "tls13 s hs traffic":', {
      PRK: 'ce022e5e6e81e50736d773f2d3adfce8220d049bf510f0dbfac927ef4243b148',
      hash: '8aa8e828ec2f8a884fec95a3139de01c15a3daa7ff5bfc3f4bfcc21b438d7bf8',
      info: `
        002012746c73313320732068732074726166666963208aa8e828ec2f8a884fec
        95a3139de01c15a3daa7ff5bfc3f4bfcc21b438d7bf8
      `,
      expanded: '3403e781e2af7b6508da28574f6e95a1abf162de83a97927c37672a4a0cef8a1',
    }),
    step('server', 'derive secret for master "tls13 derived":', {
      PRK: 'ce022e5e6e81e50736d773f2d3adfce8220d049bf510f0dbfac927ef4243b148',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: 'ad1cbcd3a0dc7053eeb3ed3a47901d16a9fc63a73c64beb567481a7dfb3a2cb3',
    }),
    step('server', 'extract secret "master":', {
      salt: 'ad1cbcd3a0dc7053eeb3ed3a47901d16a9fc63a73c64beb567481a7dfb3a2cb3',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: '1131545d0baf79ddce9b87f06945781a57dd18ef378dcd2060f8f9a569027ed8',
    }),
    step('server', 'derive write traffic keys for handshake data:', {
      PRK: '3403e781e2af7b6508da28574f6e95a1abf162de83a97927c37672a4a0cef8a1',
      'key info': '001009746c733133206b657900',
      'key expanded': '4646bfac1712c426cd78d8a24a8a6f6b',
      'iv info': '000c08746c73313320697600',
      'iv expanded': 'c7d395c08d62f297d13768ea',
    }),
    step('server', 'construct an EncryptedExtensions handshake message:', {
      EncryptedExtensions: '080000180016000a0008000600170018001d001c0002400100000000',
    }),
    step('server', 'construct a Certificate handshake message:', {
      Certificate: `
        0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a
        864886f70d01010b0500300e310c300a06035504031303727361301e170d3136
        303733303031323335395a170d3236303733303031323335395a300e310c300a
        0603550403130372736130819f300d06092a864886f70d010101050003818d00
        30818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826
        d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312
        0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda4308467480
        30530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a
        8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355
        1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5
        b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a5
        8c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102
        702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0
        a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000
      `,
    }),
    step('server', 'construct a CertificateVerify handshake message:', {
      CertificateVerify: `
        0f0000840804008033ab13d4462707231b5dcae6c8190b63d1dabc74f28c3953
        70da0b07e5b83066d0246a31acd95df475bfd799a4a70d33ad93d3a317a9b2c0
        d237a5685b219e774112e391a247607d1aeff1bbd0a39f382ee1a5fe88ae99ec
        59228e6497e45d48ce275a6d5ef40d169fb6f9d33b052ed3dcdd6b5a48baafff
        bcb290128415bd38
      `,
    }),
    step('server', 'calculate finished "tls13 finished":', {
      PRK: '3403e781e2af7b6508da28574f6e95a1abf162de83a97927c37672a4a0cef8a1',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: 'e7f8bb3ea4b6c30c4710b3d09c3313658117e70b097e850368e2510ca5631f74',
      finished: '8863e6bfb0420a927fa27f34336a70ae426e968e3eb884945b96856dba3976d1',
    }),
    step('server', 'construct a Finished handshake message:', {
      Finished: `
        140000208863e6bfb0420a927fa27f34336a70ae426e968e3eb884945b96856d
        ba3976d1
      `,
    }),
    step('server', 'derive secret "tls13 c ap traffic":', {
      PRK: '1131545d0baf79ddce9b87f06945781a57dd18ef378dcd2060f8f9a569027ed8',
      hash: '50f63cbf36b0dd049e7a0ba27d6455745ea2aaac54bb167f9950b2b7ce9509da',
      info: `
        002012746c733133206320617020747261666669632050f63cbf36b0dd049e7a
        0ba27d6455745ea2aaac54bb167f9950b2b7ce9509da
      `,
      expanded: '75ecf4b972525aa0dcd057c9944d4cd5d82671d8843141d7dc2a4ff15a21dc51',
    }),
    step('server', 'derive secret "tls13 s ap traffic":', {
      PRK: '1131545d0baf79ddce9b87f06945781a57dd18ef378dcd2060f8f9a569027ed8',
      hash: '50f63cbf36b0dd049e7a0ba27d6455745ea2aaac54bb167f9950b2b7ce9509da',
      info: `
        002012746c733133207320617020747261666669632050f63cbf36b0dd049e7a
        0ba27d6455745ea2aaac54bb167f9950b2b7ce9509da
      `,
      expanded: '5c74f87df04225db0f8209c9de6429e49435fdefa7cad61864874d12f31cfc8d',
    }),
    step('server', 'derive secret "tls13 exp master":', {
      PRK: '1131545d0baf79ddce9b87f06945781a57dd18ef378dcd2060f8f9a569027ed8',
      hash: '50f63cbf36b0dd049e7a0ba27d6455745ea2aaac54bb167f9950b2b7ce9509da',
      info: `
        002010746c73313320657870206d61737465722050f63cbf36b0dd049e7a0ba2
        7d6455745ea2aaac54bb167f9950b2b7ce9509da
      `,
      expanded: '7c06d3ae106a3a374ace4837b3985cac67780a6e2c5c04b58319d584df09d223',
    }),
    step('server', 'derive write traffic keys for application data:', {
      PRK: '5c74f87df04225db0f8209c9de6429e49435fdefa7cad61864874d12f31cfc8d',
      'key info': '001009746c733133206b657900',
      'key expanded': 'f27a5d97bd25550c4823b0f3e5d29388',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '0dd631f7b71cbbc797c35fe7',
    }),
    step('server', 'derive read traffic keys for handshake data:', {
      PRK: '158aa7ab8855073582b41d674b4055cabcc534728f659314861b4e08e2011566',
      'key info': '001009746c733133206b657900',
      'key expanded': '2f1f918663d590e7421149a29d94b0b6',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '414d5485235e1a688793bd74',
    }),
    step('client', 'derive secret for handshake "tls13 derived":', {
      PRK: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    }),
    step('client', 'calculate finished "tls13 finished":', {
      PRK: '158aa7ab8855073582b41d674b4055cabcc534728f659314861b4e08e2011566',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '81be4131fbb9b6f4471450846f74fd1e68c5224ba7c2a8677f5c53ad226fdc13',
      finished: '23f52fdb0709a55bd7f79b991f25484087bcfd4d4380b12326a52a28b2e368e1',
    }),
    step('client', 'construct a Finished handshake message:', {
      Finished: `
        1400002023f52fdb0709a55bd7f79b991f25484087bcfd4d4380b12326a52a28
        b2e368e1
      `,
    }),
    step('client', 'derive write traffic keys for application data:', {
      PRK: '75ecf4b972525aa0dcd057c9944d4cd5d82671d8843141d7dc2a4ff15a21dc51',
      'key info': '001009746c733133206b657900',
      'key expanded': 'a7eb2a0525eb4331d58fcbf9f7ca2e9c',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '86e8be227c1bd2b3e39cb444',
    }),
    step('client', 'derive secret "tls13 res master":', {
      PRK: '1131545d0baf79ddce9b87f06945781a57dd18ef378dcd2060f8f9a569027ed8',
      hash: '0e8b349158b855fdcd0c11dbbc4e83e43caa6e483c6c65df53151888e50165f4',
      info: `
        002010746c73313320726573206d6173746572200e8b349158b855fdcd0c11db
        bc4e83e43caa6e483c6c65df53151888e50165f4
      `,
      expanded: '09170c6d472721566f9cf99b08699daff561ec8fb22d5a32c3f94ce009b69975',
    }),
  ],
};

/** RFC 8448 §6. Client Authentication. */
export const RFC8448_CLIENT_AUTH: Rfc8448Trace = {
  section: 6,
  title: 'Client Authentication',
  suite: 'TLS_AES_128_GCM_SHA256',
  steps: [
    step('client', 'create an ephemeral x25519 key pair:', {
      'private key': 'c040b2bb8f3addd20fd4058c547003a3c6f9c1cd915d5e535c87d8d191aaf071',
      'public key': '089cc2671f738d9a671e5b2e464981d05b76e361aa22aea91f1d49ca10a7a362',
    }),
    step('client', 'construct a ClientHello handshake message:', {
      ClientHello: `
        010000bc03036a472236328b83af40386d3a3e1f1ce624fa4ed89ab865a4ff0f
        4144ce3ae2330000061301130313020100008d0000000b000900000673657276
        6572ff01000100000a00140012001d0017001800190100010101020103010400
        3300260024001d0020089cc2671f738d9a671e5b2e464981d05b76e361aa22ae
        a91f1d49ca10a7a362002b0003020304000d0020001e04030503060302030804
        0805080604010501060102010402050206020202002d00020101001c00024001
      `,
    }),
    step('server', 'extract secret "early":', {
      salt: '',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
    }),
    step('server', 'create an ephemeral x25519 key pair:', {
      'private key': '7382a5ad1cdd2056ae18cc708bd007d98130dbe2cd4d9ead9b96952becbb0888',
      'public key': '6c2e50e865919a6b5a12dfaf918f92b442567b0f89bc54478c6921366658f062',
    }),
    step('server', 'construct a ServerHello handshake message:', {
      ServerHello: `
        0200005603033b50fdf1c3d572e40e68953e7fff4e2758459c59afa0582c0ea0
        32874255fe6e00130100002e00330024001d00206c2e50e865919a6b5a12dfaf
        918f92b442567b0f89bc54478c6921366658f062002b00020304
      `,
    }),
    step('server', 'derive secret for handshake "tls13 derived":', {
      PRK: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    }),
    step('server', 'extract secret "handshake":', {
      salt: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
      IKM: '7dc114f6475dfa7977be736ef7cbebc48c70329e8e9a74b4d7033c43f9597d4f',
      secret: 'd995243674fb6400d7d37bc0e9861bdbd9ed095601dcf2994874f2803de22e39',
    }),
    step('server', 'derive secret "tls13 c hs traffic":', {
      PRK: 'd995243674fb6400d7d37bc0e9861bdbd9ed095601dcf2994874f2803de22e39',
      hash: '88ebc042bd0d5a643b22fca7a47defd4007dfe184949a6261c596c4e002a74a2',
      info: `
        002012746c733133206320687320747261666669632088ebc042bd0d5a643b22
        fca7a47defd4007dfe184949a6261c596c4e002a74a2
      `,
      expanded: 'cec7a30c6872070f22a7eeb065768db67c45e29533db879908ce6dc66f5911de',
    }),
    step('server', 'derive secret "tls13 s hs traffic":', {
      PRK: 'd995243674fb6400d7d37bc0e9861bdbd9ed095601dcf2994874f2803de22e39',
      hash: '88ebc042bd0d5a643b22fca7a47defd4007dfe184949a6261c596c4e002a74a2',
      info: `
        002012746c733133207320687320747261666669632088ebc042bd0d5a643b22
        fca7a47defd4007dfe184949a6261c596c4e002a74a2
      `,
      expanded: '8b02d3c00442a2722c4098ebe8675b23e801510f0d7ed778d8eb0b8f42a19a5e',
    }),
    step('server', 'derive secret for master "tls13 derived":', {
      PRK: 'd995243674fb6400d7d37bc0e9861bdbd9ed095601dcf2994874f2803de22e39',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '74575526b07c81a9c1b17e6b34e0e6d084747a61f396f597ebb92c0736ec60e8',
    }),
    step('server', 'extract secret "master":', {
      salt: '74575526b07c81a9c1b17e6b34e0e6d084747a61f396f597ebb92c0736ec60e8',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: '57c15d7b9d441b3d40a9c6ea8a3d730e07b3a1ea7a3339ed7070b9a74a3f4f28',
    }),
    step('server', 'derive write traffic keys for handshake data:', {
      PRK: '8b02d3c00442a2722c4098ebe8675b23e801510f0d7ed778d8eb0b8f42a19a5e',
      'key info': '001009746c733133206b657900',
      'key expanded': '6cb6e60619d8c7355c5d4c4bc2be90d5',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '64f239530c3b888fde85e0be',
    }),
    step('server', 'construct an EncryptedExtensions handshake message:', {
      EncryptedExtensions: `
        080000240022000a00140012001d00170018001901000101010201030104001c
        0002400100000000
      `,
    }),
    step('server', 'construct a CertificateRequest handshake message:', {
      CertificateRequest: `
        0d000027000024000d0020001e04030503060302030804080508060401050106
        0102010402050206020202
      `,
    }),
    step('server', 'construct a Certificate handshake message:', {
      Certificate: `
        0b00013b000001370001323082012e3081d5a003020102020107300a06082a86
        48ce3d04030230133111300f060355040313086563647361323536301e170d31
        36303733303031323430305a170d3236303733303031323430305a3013311130
        0f0603550403130865636473613235363059301306072a8648ce3d020106082a
        8648ce3d0301070342000408d530161575f4cfe7f154ee3448180086001e8843
        1a79ee62ee6e2f83ef38ba61e9fb37f34e007a7df4d2f5b56d1f04ece45d621f
        468406f5c3a15158948dd0a31a301830090603551d1304023000300b0603551d
        0f040403020780300a06082a8648ce3d0403020348003045022100df30fd4507
        f5edd22c1a6ff86db479ca693feeca3b71b3f9ef556b2937c0594d022062e2a4
        7250d320fea83c7e2dcb5b76a50e0200c09adbd13fee946e513e011d110000
      `,
    }),
    step('server', 'construct a CertificateVerify handshake message:', {
      CertificateVerify: `
        0f00004b040300473045022100d7a4d34bd54f55fee1a89625678c3dd5e5f60d
        ac73ec940c5c7b9304a02084a90220289f595ed488b9ac689a3d192b1a8bb38f
        34af7874c059c9806a1f38269353e8
      `,
    }),
    step('server', 'calculate finished "tls13 finished":', {
      PRK: '8b02d3c00442a2722c4098ebe8675b23e801510f0d7ed778d8eb0b8f42a19a5e',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '4e795cde239d5e190eae441b9e716eeb138549058cdb76fa9aeeaf548aef563e',
      finished: '93b70cdf4781985b96345caac701b4e750d3042df1a689d8faca812251113c11',
    }),
    step('server', 'construct a Finished handshake message:', {
      Finished: `
        1400002093b70cdf4781985b96345caac701b4e750d3042df1a689d8faca8122
        51113c11
      `,
    }),
    step('server', 'derive secret "tls13 c ap traffic":', {
      PRK: '57c15d7b9d441b3d40a9c6ea8a3d730e07b3a1ea7a3339ed7070b9a74a3f4f28',
      hash: '5177a29af5a17f9b4933e431851d128345366c1720d38f8f0465eeeae6740372',
      info: `
        002012746c73313320632061702074726166666963205177a29af5a17f9b4933
        e431851d128345366c1720d38f8f0465eeeae6740372
      `,
      expanded: '73c2e890fa8d067258d6d50fa92fe456b098cf00d9727eed91e8892ef4e6f860',
    }),
    step('server', 'derive secret "tls13 s ap traffic":', {
      PRK: '57c15d7b9d441b3d40a9c6ea8a3d730e07b3a1ea7a3339ed7070b9a74a3f4f28',
      hash: '5177a29af5a17f9b4933e431851d128345366c1720d38f8f0465eeeae6740372',
      info: `
        002012746c73313320732061702074726166666963205177a29af5a17f9b4933
        e431851d128345366c1720d38f8f0465eeeae6740372
      `,
      expanded: 'c49a91faf57f8c545d5048a015bf849ff63942e4a7edcd319f8b438a97c52e21',
    }),
    step('server', 'derive secret "tls13 exp master":', {
      PRK: '57c15d7b9d441b3d40a9c6ea8a3d730e07b3a1ea7a3339ed7070b9a74a3f4f28',
      hash: '5177a29af5a17f9b4933e431851d128345366c1720d38f8f0465eeeae6740372',
      info: `
        002010746c73313320657870206d6173746572205177a29af5a17f9b4933e431
        851d128345366c1720d38f8f0465eeeae6740372
      `,
      expanded: '052e39795e5f2be6e4e0974cfdd86c6a7afe3e57e5589810a3cccf642958beb2',
    }),
    step('server', 'derive write traffic keys for application data:', {
      PRK: 'c49a91faf57f8c545d5048a015bf849ff63942e4a7edcd319f8b438a97c52e21',
      'key info': '001009746c733133206b657900',
      'key expanded': '88b3123ddecadf8c1ba298e2c18176b0',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '4e0978513f9de8327c08e4f3',
    }),
    step('server', 'derive read traffic keys for handshake data:', {
      PRK: 'cec7a30c6872070f22a7eeb065768db67c45e29533db879908ce6dc66f5911de',
      'key info': '001009746c733133206b657900',
      'key expanded': '916948f728d9823fa41a004d083f217f',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '64153d79bac9ea10ca5a0a88',
    }),
    step('client', 'derive secret for handshake "tls13 derived":', {
      PRK: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    }),
    step('client', 'construct a Certificate handshake message:', {
      Certificate: `
        0b0001bf000001bb0001b6308201b23082011ba003020102020101300d06092a
        864886f70d01010b05003011310f300d06035504031306636c69656e74301e17
        0d3136303733303031323335395a170d3236303733303031323335395a301131
        0f300d06035504031306636c69656e7430819f300d06092a864886f70d010101
        050003818d0030818902818100c38175e004a68d093f823b9c379d201fbc0bb7
        a1c791905e3fbf76847e44e751ebbcd360bd945c81e5222bcc8846d3a8a0f93e
        9bf5bebabd92edf1de1ff19021703e7ab6c0901513f97e39b111f09c9348971c
        7b211984a754cd45fe095af0ea4236829bccf7a7fe9b2888e78ab477690a5b9e
        1ccbe91c6a4a0f97a7e02842010203010001a31a301830090603551d13040230
        00300b0603551d0f040403020780300d06092a864886f70d01010b0500038181
        001a7a5a018532b022af0767d486160cff2d167a1915d23835b54594916dc680
        be5d2e626076c5d52722ebcc775d7d99f980be2fc94d34acf6cc00ba90cbcfb0
        608aa1e7e3971ef0c07a41d47ad8345d1f81fe418a1cf41054429fd217bd777d
        c1cf08f05df90799c659361e0f1a8ee4ac0f7897420bdbc823da80a2f2ba2308
        1c0000
      `,
    }),
    step('client', 'construct a CertificateVerify handshake message:', {
      CertificateVerify: `
        0f00008408040080186b2223b503a759c35dba0e9721b4b579138d5f0f5e6ec7
        feaaf27f3ad7f386c2c7bd7cb2be52fbf5ed8393f406ee79369692ec7ac69565
        1d858219e672a8eb7b2a677b640b46ab630edc5f3f2f8272b9c0d906f81f84dd
        c5b8c7bcf955c78a3cf99e5016f73e04eb7dfcb28833f13e8f75ec2ff3581e2f
        098ad4157fd6d6ad
      `,
    }),
    step('client', 'calculate finished "tls13 finished":', {
      PRK: 'cec7a30c6872070f22a7eeb065768db67c45e29533db879908ce6dc66f5911de',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '4fddd76bbcb8e30c7261b1db401bb136ed39bce6a4815a2124476e27e6cbcbf6',
      finished: '9afe2ba2f63a09d229d8a429e5b37ffd9fcc73bdb5911b82425972aa2892440f',
    }),
    step('client', 'construct a Finished handshake message:', {
      Finished: `
        140000209afe2ba2f63a09d229d8a429e5b37ffd9fcc73bdb5911b82425972aa
        2892440f
      `,
    }),
    step('client', 'derive write traffic keys for application data:', {
      PRK: '73c2e890fa8d067258d6d50fa92fe456b098cf00d9727eed91e8892ef4e6f860',
      'key info': '001009746c733133206b657900',
      'key expanded': 'cdc09c806aa8f86dfcd51efc44a0c039',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '6ef852e78b46d913668e53e7',
    }),
    step('client', 'derive secret "tls13 res master":', {
      PRK: '57c15d7b9d441b3d40a9c6ea8a3d730e07b3a1ea7a3339ed7070b9a74a3f4f28',
      hash: '391d004bd84c831b1582444414b4dc8064010ecc76f37f88bfeb1e88fe135c25',
      info: `
        002010746c73313320726573206d617374657220391d004bd84c831b15824444
        14b4dc8064010ecc76f37f88bfeb1e88fe135c25
      `,
      expanded: '1006dccbf40eb4eb978bff0392a9e452a4fbad58aa14784d5a241c6b49daccfb',
    }),
  ],
};

/** RFC 8448 §7. Compatibility Mode. */
export const RFC8448_COMPAT: Rfc8448Trace = {
  section: 7,
  title: 'Compatibility Mode',
  suite: 'TLS_AES_128_GCM_SHA256',
  steps: [
    step('client', 'create an ephemeral x25519 key pair:', {
      'private key': 'dea00b45695dc781f19d34a62c1afd31ab4369af1e855a3bbb258d8442cde6d7',
      'public key': '8e7292cf3056dbb0d25fcbe55c107dc9bbf83dd9708f39203ba341249a7d9b63',
    }),
    step('client', 'construct a ClientHello handshake message:', {
      ClientHello: `
        010000dc03034e640a3f2c2738f09c9418bd78edccd7559d0531199276d4d92a
        0e9ee9d77d0920a80c165581a8e0d06c0018d54d3a06dd32cfd4051eb026fad3
        fd0ba99269e6ef00061301130313020100008d0000000b000900000673657276
        6572ff01000100000a00140012001d0017001800190100010101020103010400
        3300260024001d00208e7292cf3056dbb0d25fcbe55c107dc9bbf83dd9708f39
        203ba341249a7d9b63002b0003020304000d0020001e04030503060302030804
        0805080604010501060102010402050206020202002d00020101001c00024001
      `,
    }),
    step('server', 'extract secret "early":', {
      salt: '',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
    }),
    step('server', 'create an ephemeral x25519 key pair:', {
      'private key': '017c38a3647921ca2d9ed6bd7ae7132b94211b1331bb208c8ccdd51556409995',
      'public key': '3e30f0f4ba551afd62768341175f5265e4daf0c8841617aa4fafdd2142320c22',
    }),
    step('server', 'construct a ServerHello handshake message:', {
      ServerHello: `
        020000760303e5dd5948c435f7a38f0f0130708dc322d9df09abd4838117c183
        a7bb6d994f2c20a80c165581a8e0d06c0018d54d3a06dd32cfd4051eb026fad3
        fd0ba99269e6ef130100002e00330024001d00203e30f0f4ba551afd62768341
        175f5265e4daf0c8841617aa4fafdd2142320c22002b00020304
      `,
    }),
    step('server', 'derive secret for handshake "tls13 derived":', {
      PRK: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    }),
    step('server', 'extract secret "handshake":', {
      salt: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
      IKM: 'eef790559077db5bb63b6684e4169f051e8fb34ce59bafce2f9c8ee68cc4eb79',
      secret: 'f91761354a67e9b07c6dcc3a55707efa69c4519d8040e5f215121e0df69afa4a',
    }),
    step('server', 'derive secret "tls13 c hs traffic":', {
      PRK: 'f91761354a67e9b07c6dcc3a55707efa69c4519d8040e5f215121e0df69afa4a',
      hash: '745c55bac399310b7b5a7c81a2c130b4d56dff6f68c3ab477857601e01f1f8d1',
      info: `
        002012746c7331332063206873207472616666696320745c55bac399310b7b5a
        7c81a2c130b4d56dff6f68c3ab477857601e01f1f8d1
      `,
      expanded: '2c3cb24a1081edb59518ee6861e89a6b72b3801afe7713e4cbbc21c0795bf831',
    }),
    step('server', 'derive secret "tls13 s hs traffic":', {
      PRK: 'f91761354a67e9b07c6dcc3a55707efa69c4519d8040e5f215121e0df69afa4a',
      hash: '745c55bac399310b7b5a7c81a2c130b4d56dff6f68c3ab477857601e01f1f8d1',
      info: `
        002012746c7331332073206873207472616666696320745c55bac399310b7b5a
        7c81a2c130b4d56dff6f68c3ab477857601e01f1f8d1
      `,
      expanded: 'cace3d555cc1c577cf970cff28cf978d6a9800085442e18d695b50f3151d18c8',
    }),
    step('server', 'derive secret for master "tls13 derived":', {
      PRK: 'f91761354a67e9b07c6dcc3a55707efa69c4519d8040e5f215121e0df69afa4a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '5da12dc47835ba73fdd994b14ab7e63cc63f0d79162f6756e9a46756c8b2b642',
    }),
    step('server', 'extract secret "master":', {
      salt: '5da12dc47835ba73fdd994b14ab7e63cc63f0d79162f6756e9a46756c8b2b642',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: '628112dae2f702488063e42de6c850a5c0820b90903e00abc31875da03d4bc5b',
    }),
    step('server', 'derive write traffic keys for handshake data:', {
      PRK: 'cace3d555cc1c577cf970cff28cf978d6a9800085442e18d695b50f3151d18c8',
      'key info': '001009746c733133206b657900',
      'key expanded': '041091fdab29f2c8abfb156dc5fc8d54',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '7464d791685de05998fcbadb',
    }),
    step('server', 'construct an EncryptedExtensions handshake message:', {
      EncryptedExtensions: `
        080000240022000a00140012001d00170018001901000101010201030104001c
        0002400100000000
      `,
    }),
    step('server', 'construct a Certificate handshake message:', {
      Certificate: `
        0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a
        864886f70d01010b0500300e310c300a06035504031303727361301e170d3136
        303733303031323335395a170d3236303733303031323335395a300e310c300a
        0603550403130372736130819f300d06092a864886f70d010101050003818d00
        30818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826
        d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312
        0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda4308467480
        30530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a
        8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355
        1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5
        b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a5
        8c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102
        702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0
        a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000
      `,
    }),
    step('server', 'construct a CertificateVerify handshake message:', {
      CertificateVerify: `
        0f00008408040080a2301a68dd1ceee6938fe9d40c46b9201b34d59952a37e06
        523a39cf8ba6c9c8b68ae94492af780516ed7b73c82812e99dd3fabea45e09d9
        c6848721c2808c61501b0c75e7fcaba5f78bef68a2c2b69b19558b3e40387eea
        93d25c7781c1cc00e9f519f7e2e4adb73e76d66089000a2dc866c2ed30bba50a
        0d457f19dc6eb9f3
      `,
    }),
    step('server', 'calculate finished "tls13 finished":', {
      PRK: 'cace3d555cc1c577cf970cff28cf978d6a9800085442e18d695b50f3151d18c8',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '2c9f72f27b81e7df668caccd49371f1286d411e16c8ccc1c0d9aed72cbbdc080',
      finished: 'c8c3a8f1bff5274061f4bc3a7caffbdc9616094ca625caa65f8e76ed46db74d3',
    }),
    step('server', 'construct a Finished handshake message:', {
      Finished: `
        14000020c8c3a8f1bff5274061f4bc3a7caffbdc9616094ca625caa65f8e76ed
        46db74d3
      `,
    }),
    step('server', 'derive secret "tls13 c ap traffic":', {
      PRK: '628112dae2f702488063e42de6c850a5c0820b90903e00abc31875da03d4bc5b',
      hash: '0707dcac7b2fa428cc7f691694a2590c806aaa5c0cf5087ed5385012e7f96cd4',
      info: `
        002012746c73313320632061702074726166666963200707dcac7b2fa428cc7f
        691694a2590c806aaa5c0cf5087ed5385012e7f96cd4
      `,
      expanded: '743e4c6b56cf3909d1b06d01956ccd2c4b37758449aec41d98dae44924eaa299',
    }),
    step('server', 'derive secret "tls13 s ap traffic":', {
      PRK: '628112dae2f702488063e42de6c850a5c0820b90903e00abc31875da03d4bc5b',
      hash: '0707dcac7b2fa428cc7f691694a2590c806aaa5c0cf5087ed5385012e7f96cd4',
      info: `
        002012746c73313320732061702074726166666963200707dcac7b2fa428cc7f
        691694a2590c806aaa5c0cf5087ed5385012e7f96cd4
      `,
      expanded: 'b6b8144aa335ed3059c0c9c8f0ecabf7afc94af6643bdecdfd9210188fab7451',
    }),
    step('server', 'derive secret "tls13 exp master":', {
      PRK: '628112dae2f702488063e42de6c850a5c0820b90903e00abc31875da03d4bc5b',
      hash: '0707dcac7b2fa428cc7f691694a2590c806aaa5c0cf5087ed5385012e7f96cd4',
      info: `
        002010746c73313320657870206d6173746572200707dcac7b2fa428cc7f6916
        94a2590c806aaa5c0cf5087ed5385012e7f96cd4
      `,
      expanded: 'fb69121cea334db459e12272d179baca2369b643d11a6ac72b8b27a5c964feb1',
    }),
    step('server', 'derive write traffic keys for application data:', {
      PRK: 'b6b8144aa335ed3059c0c9c8f0ecabf7afc94af6643bdecdfd9210188fab7451',
      'key info': '001009746c733133206b657900',
      'key expanded': 'edc4cbd0041c28cc7167441d7ca53e6a',
      'iv info': '000c08746c73313320697600',
      'iv expanded': 'bf6c7d8e0a9545b427dcf139',
    }),
    step('server', 'derive read traffic keys for handshake data:', {
      PRK: '2c3cb24a1081edb59518ee6861e89a6b72b3801afe7713e4cbbc21c0795bf831',
      'key info': '001009746c733133206b657900',
      'key expanded': '62d13c13ffd7402fc1c09e3d163665cb',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '7166f20028bf146dcfbd5a40',
    }),
    step('client', 'derive secret for handshake "tls13 derived":', {
      PRK: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: `
        00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9
        2427ae41e4649b934ca495991b7852b855
      `,
      expanded: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    }),
    step('client', 'calculate finished "tls13 finished":', {
      PRK: '2c3cb24a1081edb59518ee6861e89a6b72b3801afe7713e4cbbc21c0795bf831',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '77341abc8c0ffab5180736713e41d2f665c410a404c8c21edcd948a4440fd80c',
      finished: '692cab155cc6c100ead60733d0617f6fb09b71aa1e8c9accbbbc9e8ed336c1dd',
    }),
    step('client', 'construct a Finished handshake message:', {
      Finished: `
        14000020692cab155cc6c100ead60733d0617f6fb09b71aa1e8c9accbbbc9e8e
        d336c1dd
      `,
    }),
    step('client', 'derive write traffic keys for application data:', {
      PRK: '743e4c6b56cf3909d1b06d01956ccd2c4b37758449aec41d98dae44924eaa299',
      'key info': '001009746c733133206b657900',
      'key expanded': '33d7f9709756c966488ad4438437e673',
      'iv info': '000c08746c73313320697600',
      'iv expanded': 'c5f30d34b0e91b7d6c8eea65',
    }),
    step('client', 'derive secret "tls13 res master":', {
      PRK: '628112dae2f702488063e42de6c850a5c0820b90903e00abc31875da03d4bc5b',
      hash: 'a021d3a05bd418a772813875ef79b0af68c5123215427ab7333f8c27722a9fd5',
      info: `
        002010746c73313320726573206d617374657220a021d3a05bd418a772813875
        ef79b0af68c5123215427ab7333f8c27722a9fd5
      `,
      expanded: '0b5d4407cea0a42a3a81dd477647b7fe9180db297e5114f1ad8796b4dc475004',
    }),
  ],
};

export const RFC8448_TRACES: readonly Rfc8448Trace[] = [RFC8448_SIMPLE, RFC8448_RESUMED_0RTT, RFC8448_HELLO_RETRY, RFC8448_CLIENT_AUTH, RFC8448_COMPAT];
