// A time-stamping authority on 127.0.0.1 speaking RFC 3161 over HTTP (application/timestamp-
// query → application/timestamp-reply), built with pkijs/asn1js: a self-signed ECDSA P-256
// certificate with the critical timeStamping extended key usage, TSTInfo tokens in CMS
// SignedData with the contentType, messageDigest and signingCertificateV2 attributes.
import { createHash, webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const crypto = webcrypto as unknown as Crypto;
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto }));

const TST_INFO = '1.2.840.113549.1.9.16.1.4';

function buffer(view: ArrayBuffer): Buffer {
  return Buffer.from(new Uint8Array(view));
}

async function makeCertificate(keys: CryptoKeyPair): Promise<pkijs.Certificate> {
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ value: 1 });
  const name = [
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: 'gitrail test TSA' }) }),
  ];
  certificate.issuer.typesAndValues.push(...name);
  certificate.subject.typesAndValues.push(...name);
  certificate.notBefore.value = new Date(Date.UTC(2000, 0, 1));
  certificate.notAfter.value = new Date(Date.UTC(2049, 0, 1));
  certificate.extensions = [
    new pkijs.Extension({
      extnID: '2.5.29.37',
      critical: true,
      extnValue: new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.8'] }).toSchema().toBER(),
    }),
  ];
  await certificate.subjectPublicKeyInfo.importKey(keys.publicKey);
  await certificate.sign(keys.privateKey, 'SHA-256');
  return certificate;
}

export class FakeTsa {
  readonly #server: Server;
  /** Digests (hex) stamped, in order. */
  readonly stamped: string[] = [];
  /** PEM of the authority's certificate (for `openssl ts -verify -CAfile`). */
  readonly certificatePem: string;
  /** Set by refuse(): every request gets PKIStatus rejection. */
  isRefusing = false;

  private constructor(server: Server, certificatePem: string) {
    this.#server = server;
    this.certificatePem = certificatePem;
  }

  static async start(now: () => number = Date.now): Promise<FakeTsa> {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const certificate = await makeCertificate(keys);
    const der = buffer(certificate.toSchema().toBER());
    const pem =
      `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n` +
      `-----END CERTIFICATE-----\n`;
    let serial = 0;
    let tsa: FakeTsa | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
          res.writeHead(415).end();
          return;
        }
        serial += 1;
        respond(Buffer.concat(chunks), serial, tsa?.isRefusing ?? false).then(
          (body) => res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(body),
          () => res.writeHead(400).end(),
        );
      });
    });
    const respond = async (body: Buffer, serialNumber: number, refuse: boolean): Promise<Buffer> => {
      const request = pkijs.TimeStampReq.fromBER(new Uint8Array(body));
      if (refuse)
        return buffer(
          new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.rejection }) })
            .toSchema()
            .toBER(),
        );
      tsa?.stamped.push(Buffer.from(request.messageImprint.hashedMessage.valueBlock.valueHexView).toString('hex'));
      const info = new pkijs.TSTInfo({
        version: 1,
        policy: '1.3.6.1.4.1.99999.1',
        messageImprint: request.messageImprint,
        serialNumber: new asn1js.Integer({ value: serialNumber }),
        genTime: new Date(now()),
        ...(request.nonce ? { nonce: request.nonce } : {}),
      });
      const infoDer = info.toSchema().toBER();
      const attribute = (type: string, value: asn1js.AsnType) => new pkijs.Attribute({ type, values: [value] });
      const essCertId = new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [
              new asn1js.Sequence({
                value: [new asn1js.OctetString({ valueHex: createHash('sha256').update(der).digest() })],
              }),
            ],
          }),
        ],
      });
      const signed = new pkijs.SignedData({
        version: 3,
        encapContentInfo: new pkijs.EncapsulatedContentInfo({
          eContentType: TST_INFO,
          eContent: new asn1js.OctetString({ valueHex: infoDer }),
        }),
        signerInfos: [
          new pkijs.SignerInfo({
            version: 1,
            sid: new pkijs.IssuerAndSerialNumber({
              issuer: certificate.issuer,
              serialNumber: certificate.serialNumber,
            }),
            signedAttrs: new pkijs.SignedAndUnsignedAttributes({
              type: 0,
              attributes: [
                attribute('1.2.840.113549.1.9.3', new asn1js.ObjectIdentifier({ value: TST_INFO })),
                attribute(
                  '1.2.840.113549.1.9.4',
                  new asn1js.OctetString({ valueHex: createHash('sha256').update(new Uint8Array(infoDer)).digest() }),
                ),
                attribute('1.2.840.113549.1.9.16.2.47', essCertId),
              ],
            }),
          }),
        ],
        certificates: [certificate],
      });
      await signed.sign(keys.privateKey, 0, 'SHA-256');
      const token = new pkijs.ContentInfo({
        contentType: pkijs.ContentInfo.SIGNED_DATA,
        content: signed.toSchema(true),
      });
      return buffer(
        new pkijs.TimeStampResp({
          status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }),
          timeStampToken: token,
        })
          .toSchema()
          .toBER(),
      );
    };
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tsa = new FakeTsa(server, pem);
    return tsa;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/tsa`;
  }

  /** Answers every request with PKIStatus rejection until called with false. */
  refuse(refusing = true): void {
    this.isRefusing = refusing;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
