import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TextDecoder } from 'node:util';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Refusal } from '../refusal';

/** The largest body any request of this API needs (an evaluation's notes), with room to spare. */
export const BODY_LIMIT = 16 * 1024;

/** application/json in any case, whatever parameters follow: what the Express body parser took for JSON. */
const JSON_TYPE = /^\s*application\/json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/** Whether a body with this Content-Type is read as JSON; any other body is not read at all. */
export function isJsonContentType(contentType: string): boolean {
  return JSON_TYPE.test(contentType);
}

/**
 * Bodies are JSON, read as the Express body parser of earlier versions read them, so that clients get the
 * same answers: a body of another content type (or none) is not read, and validation answers for the
 * missing fields (Fastify itself would answer 415, or hand a text/plain body on as a string); an empty
 * JSON body is `{}`; a JSON body must be an object or an array (400 MALFORMED_JSON otherwise), in UTF-8
 * or another UTF (415 for any other charset), plain or gzip/deflate/br-encoded (415 for another encoding),
 * at most 16 kB once decoded (413 PAYLOAD_TOO_LARGE).
 */
export function acceptJsonBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (request, body, done) => {
    let parsed: unknown;
    try {
      parsed = parseJson(request, body as Buffer);
    } catch (error) {
      return done(error as Error, undefined);
    }
    done(null, parsed);
  });
  // Reached only by a body whose Content-Type was set aside (see `setAsideUnreadBody`): left unread.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}

/**
 * Before the body is read (onRequest): a Content-Type that is not JSON is set aside, so the body is not
 * read and Fastify does not refuse the content type itself.
 */
export function setAsideUnreadBody(request: FastifyRequest): void {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && !isJsonContentType(contentType)) delete request.headers['content-type'];
}

const decoders = new Map<string, TextDecoder>();

function parseJson(request: FastifyRequest, bytes: Buffer): unknown {
  const charset = (CHARSET.exec(request.headers['content-type'] ?? '')?.[1] ?? 'utf-8').toLowerCase();
  if (!charset.startsWith('utf-')) throw new Refusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON.');
  const text = decoderFor(charset).decode(decoded(bytes, request.headers['content-encoding']));
  if (text.length === 0) return {};
  // Strict, as before: an object or an array ("{", "[" after any JSON whitespace), never a bare value.
  const first = /^[\x20\t\n\r]*(.)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw new Refusal(400, 'MALFORMED_JSON', 'The body is not valid JSON.');
  try {
    return JSON.parse(text);
  } catch {
    throw new Refusal(400, 'MALFORMED_JSON', 'The body is not valid JSON.');
  }
}

function decoderFor(charset: string): TextDecoder {
  let decoder = decoders.get(charset);
  if (!decoder) {
    try {
      decoder = new TextDecoder(charset); // drops a byte order mark, as the earlier parser did
    } catch {
      throw new Refusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON.');
    }
    decoders.set(charset, decoder);
  }
  return decoder;
}

/** The body with its Content-Encoding undone, at most BODY_LIMIT bytes of it (a small body may inflate to a large one). */
function decoded(bytes: Buffer, encoding: string | undefined): Buffer {
  const name = (encoding ?? 'identity').toLowerCase();
  if (name === 'identity') return bytes;
  const inflate = name === 'gzip' ? gunzipSync : name === 'deflate' ? inflateSync : name === 'br' ? brotliDecompressSync : undefined;
  if (!inflate) throw new Refusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON.');
  try {
    return inflate(bytes, { maxOutputLength: BODY_LIMIT });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new Refusal(413, 'PAYLOAD_TOO_LARGE', 'The body is too large.');
    throw new Refusal(400, 'BAD_REQUEST', 'The request is not valid.');
  }
}
