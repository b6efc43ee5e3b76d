// The SHA-256 of the patient file as read, for the audit trail of JSON and printable reports.
// Its own module, imported on use: node:crypto costs start-up time the plain text report never needs.
import { createHash } from 'node:crypto';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
