import { SetMetadata } from '@nestjs/common';

export type RateBucket = 'creates' | 'joins' | 'lookups';
export const RATE_BUCKET = 'ciphernest:rate-bucket';

/** Puts a route under one of the per-address limits of docs/protocol.md §7. */
export const RateLimit = (bucket: RateBucket) => SetMetadata(RATE_BUCKET, bucket);
