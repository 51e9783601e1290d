import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable, Transform, Writable } from 'node:stream';
import { ApiError } from '../api-error';
import { limitBytes, uploadTooLarge } from './contacts-csv-reader';

/** An uploaded file as it arrives (a CSV here; a knowledge document in api/knowledge-upload.ts). */
export interface FileUpload {
  /** Form fields sent before the file (none for a raw body; its options travel in the query string). */
  fields: Record<string, string>;
  /** The file's bytes as they arrive, failing with an ApiError when the upload breaks a rule. */
  file: Readable;
  /** As the client named it; '' for a raw body. */
  filename: string;
  /** The file part's declared type (the body's for a raw body). */
  mimeType: string;
}

const CSV_TYPES = ['text/csv', 'application/csv'];
const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 1024;

/**
 * Receives a CSV upload without buffering it: resolves as soon as the file's bytes start to arrive.
 *
 * - `multipart/form-data`: option fields first, then one file part, which must be the last part. The
 *   file only ends once the whole form has been read, so a field or a second file after it fails the
 *   file (400 FIELD_AFTER_FILE / TOO_MANY_FILES) instead of being silently ignored.
 * - `text/csv` (or `application/csv`): the body is the file.
 *
 * A file larger than `maxBytes` fails with 413 UPLOAD_TOO_LARGE. When the consumer stops reading early
 * (an error, a limit), the rest of the request is drained so that the error response still reaches
 * the client instead of a reset connection.
 */
export async function receiveCsvUpload(req: Request, options: { maxBytes: number }): Promise<FileUpload> {
  if (req.is(CSV_TYPES)) return rawUpload(req, options.maxBytes);
  if (req.is('multipart/form-data')) return receiveMultipartUpload(req, options);
  throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the CSV as multipart/form-data with a file part, or as a text/csv body');
}

function rawUpload(req: Request, maxBytes: number): FileUpload {
  // Refused before a byte is read; Node discards the unread body once the response is sent.
  if (Number(req.get('content-length')) > maxBytes) throw uploadTooLarge(maxBytes);
  const file = handedOutFile(maxBytes);
  req.on('close', () => {
    if (!req.complete) file.destroy(aborted());
  });
  releaseWhenDone(req, file, file);
  req.pipe(file);
  return { fields: {}, file, filename: '', mimeType: req.get('content-type') ?? '' };
}

/** A multipart/form-data upload of one file, with the rules described at `receiveCsvUpload`. */
export function receiveMultipartUpload(req: Request, { maxBytes }: { maxBytes: number }): Promise<FileUpload> {
  let form: busboy.Busboy;
  try {
    form = busboy({ headers: req.headers, limits: { files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES } });
  } catch {
    throw malformed();
  }
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
    let file: Transform | undefined;
    let failed = false;
    const fail = (error: ApiError) => {
      if (failed) return;
      failed = true;
      if (file) {
        file.destroy(error);
      } else {
        reject(error);
        abandon(req, form);
      }
    };

    form.on('field', (name, value, info) => {
      if (file) fail(new ApiError(400, 'FIELD_AFTER_FILE', `Field "${name.slice(0, 40)}" comes after the file; the file must be the last part of the form`));
      else if (info.valueTruncated || info.nameTruncated) fail(new ApiError(400, 'FIELD_TOO_LARGE', `Form fields are limited to ${MAX_FIELD_BYTES} bytes`));
      else fields.set(name, value);
    });
    form.on('file', (_name, stream, info) => {
      // busboy fails a cut-off file part with the form's own error, which is handled below.
      stream.on('error', () => undefined);
      if (failed) {
        stream.resume();
        return;
      }
      const upload = handedOutFile(maxBytes);
      file = upload;
      releaseWhenDone(req, form, upload);
      stream.pipe(upload, { end: false });
      resolve({ fields: Object.fromEntries(fields), file: upload, filename: info.filename ?? '', mimeType: info.mimeType });
    });
    form.on('filesLimit', () => fail(new ApiError(400, 'TOO_MANY_FILES', 'Send one file per import')));
    form.on('fieldsLimit', () => fail(new ApiError(400, 'TOO_MANY_FIELDS', `At most ${MAX_FIELDS} form fields are accepted`)));
    form.on('error', () => fail(malformed()));
    // busboy finishes once the whole form is read, file included: only then is the file known to be complete.
    form.on('finish', () => {
      if (failed) return;
      if (!file) fail(new ApiError(400, 'FILE_MISSING', 'The form has no file part'));
      else if (!file.destroyed) file.end();
    });
    req.on('close', () => {
      if (!req.complete) fail(aborted());
    });
    req.pipe(form);
  });
}

/**
 * The file is handed out before its consumer attaches and can fail in between (a limit, a late field); an
 * error without a listener would be thrown as uncaught. The consumer still gets it: pipeline() and async
 * iteration report the error a stream was destroyed with.
 */
function handedOutFile(maxBytes: number): Transform {
  const file = limitBytes(maxBytes);
  file.on('error', () => undefined);
  return file;
}

/** A file given up early (an error, a limit) stops feeding `reader`; after a complete read this changes nothing. */
function releaseWhenDone(req: Request, reader: Writable, file: Writable) {
  file.on('close', () => abandon(req, reader));
}

/** Unread bytes are discarded rather than left in the socket, so the response still gets through. */
function abandon(req: Request, reader: Writable) {
  req.unpipe(reader);
  req.resume();
}

function malformed(): ApiError {
  return new ApiError(400, 'MALFORMED_MULTIPART', 'The multipart/form-data body is malformed');
}

function aborted(): ApiError {
  return new ApiError(400, 'UPLOAD_ABORTED', 'The upload was interrupted');
}
