import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces travel inside an encoded payload instead of in clear: an error
 * text may quote a number or a name, and only payloads pass through the encrypting codec. Loaded by
 * path (`failureConverterPath`) because the workflow sandbox converts failures too.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
