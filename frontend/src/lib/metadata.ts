// Where run user and tags come from. An S3 bucket holds no _meta: they are
// the metadata service's (docs/s3.md), and the UI says so instead of a blank.
import type { DatastoreStatus } from './schema';

export const NO_METADATA = 'kept by the metadata service, not in the datastore';

/** True when the datastore has no metadata for user and tags (an S3 bucket without --metadata). */
export function metadataElsewhere(st: DatastoreStatus | null | undefined): boolean {
  return st?.watch.metadata === 'none';
}
