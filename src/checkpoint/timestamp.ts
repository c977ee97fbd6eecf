// RFC 3161 time-stamps for checkpoints: a TimeStampReq with the SHA-256 of the tag object (a
// nonce, certReq), POSTed as application/timestamp-query; the TimeStampResp is kept only when
// it is granted, stamps that digest with our nonce and its CMS signature holds. Stored as a
// blob at `refs/tags/timestamps/<time>`, so `openssl ts -verify` can check it with git's help.
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { GitrailError } from '../domain/errors.ts';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

/** A time-stamping authority refused, answered nonsense or could not be reached. */
export class TimestampError extends GitrailError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('TIMESTAMP', message, { ...options, retryable: true });
  }
}

function bytes(view: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(view)
    ? Buffer.from(view.buffer, view.byteOffset, view.byteLength)
    : Buffer.from(new Uint8Array(view));
}

function arrayBuffer(buffer: Uint8Array): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

export function buildTimestampRequest(content: Uint8Array, nonce: Uint8Array): Buffer {
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: arrayBuffer(createHash('sha256').update(content).digest()) }),
    }),
    nonce: new asn1js.Integer({ valueHex: arrayBuffer(nonce) }),
    certReq: true,
  });
  return bytes(request.toSchema().toBER());
}

export interface StampedTime {
  /** The authority's time, epoch ms. */
  readonly genTime: number;
  /** The hash the token stamps (SHA-256 only). */
  readonly imprint: Buffer;
  readonly nonce: Buffer | null;
  /** The signer certificate's subject, for reports. */
  readonly authority: string;
}

/**
 * Reads a TimeStampResp for `content` and checks it: granted, a SHA-256 imprint of exactly
 * `content`, and a CMS signature that holds with the certificate it carries. Throws an Error
 * saying what is wrong.
 */
export async function readTimestampResponse(der: Uint8Array, content: Uint8Array): Promise<StampedTime> {
  const response = pkijs.TimeStampResp.fromBER(arrayBuffer(der));
  const status = response.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods)
    throw new Error(`the authority refused (PKIStatus ${status})`);
  if (!response.timeStampToken) throw new Error('the response holds no token');
  const signed = new pkijs.SignedData({ schema: response.timeStampToken.content });
  const eContent = signed.encapContentInfo.eContent;
  if (signed.encapContentInfo.eContentType !== TST_INFO_OID || !eContent) throw new Error('the token holds no TSTInfo');
  const info = pkijs.TSTInfo.fromBER(eContent.getValue());
  if (info.messageImprint.hashAlgorithm.algorithmId !== SHA256_OID)
    throw new Error('the token does not stamp a SHA-256');
  const imprint = bytes(info.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (!imprint.equals(createHash('sha256').update(content).digest()))
    throw new Error('the token stamps another object than this checkpoint');
  let verified: pkijs.SignedDataVerifyResult;
  try {
    verified = await signed.verify({ signer: 0, data: arrayBuffer(content), checkChain: false, extendedMode: true });
  } catch (error) {
    throw new Error(`the token's signature does not hold: ${(error as Error).message}`);
  }
  if (!verified.signatureVerified) throw new Error("the token's signature does not hold");
  const certificate = verified.signerCertificate;
  return {
    genTime: info.genTime.getTime(),
    imprint,
    nonce: info.nonce ? bytes(info.nonce.valueBlock.valueHexView) : null,
    authority: certificate
      ? certificate.subject.typesAndValues.map((entry) => String(entry.value.valueBlock.value)).join(', ')
      : '',
  };
}

/** Asks `url` to stamp `content`; resolves with the TimeStampResp bytes once they are checked. */
export async function requestTimestamp(
  url: string,
  content: Uint8Array,
  timeoutMs: number,
): Promise<{ der: Buffer; stamped: StampedTime }> {
  const nonce = randomBytes(8);
  nonce[0] = (nonce[0] as number) & 0x7f;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: new Uint8Array(buildTimestampRequest(content, nonce)),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw new TimestampError(`checkpoint.timestamp.url: cannot reach ${new URL(url).host}`, { cause });
  }
  if (!response.ok) throw new TimestampError(`checkpoint.timestamp.url answered ${response.status}`);
  const der = Buffer.from(await response.arrayBuffer());
  let stamped: StampedTime;
  try {
    stamped = await readTimestampResponse(der, content);
  } catch (cause) {
    throw new TimestampError(`checkpoint.timestamp.url: ${(cause as Error).message}`, { cause });
  }
  if (!stamped.nonce?.equals(nonce))
    throw new TimestampError('checkpoint.timestamp.url: the token does not carry our nonce');
  return { der, stamped };
}
