import { createHash, timingSafeEqual } from 'node:crypto';
import type { Kdf, RoomInfo } from '@ciphernest/protocol';

export interface NewRoom {
  key: string;
  name: string;
  creator: string;
  creatorAddress: string;
  createdAt: number;
  kdf: Kdf;
  verifier: string;
}

/** Everything a shared store keeps of a room; `verifierHash` is SHA-256(verifier), b64url. */
export interface RoomSnapshot extends Omit<NewRoom, 'verifier'> {
  verifierHash: string;
}

/**
 * A room: its name, creator, key-derivation parameters and the hash of its verifier.
 * Security: the server holds only SHA-256(verifier); it cannot derive the room's key.
 */
export class Room {
  private constructor(
    readonly key: string,
    readonly name: string,
    readonly creator: string,
    readonly creatorAddress: string,
    readonly createdAt: number,
    readonly kdf: Kdf,
    private readonly verifierHash: Buffer,
  ) {}

  static open(props: NewRoom): Room {
    const { key, name, creator, creatorAddress, createdAt, kdf, verifier } = props;
    return new Room(key, name, creator, creatorAddress, createdAt, { ...kdf }, hashVerifier(verifier));
  }

  static restore(snapshot: RoomSnapshot): Room {
    const { key, name, creator, creatorAddress, createdAt, kdf, verifierHash } = snapshot;
    return new Room(key, name, creator, creatorAddress, createdAt, { ...kdf }, Buffer.from(verifierHash, 'base64url'));
  }

  snapshot(): RoomSnapshot {
    const { key, name, creator, creatorAddress, createdAt } = this;
    return { key, name, creator, creatorAddress, createdAt, kdf: { ...this.kdf }, verifierHash: this.verifierHash.toString('base64url') };
  }

  /** Constant-time check of a joiner's verifier. */
  admits(verifier: string): boolean {
    return timingSafeEqual(hashVerifier(verifier), this.verifierHash);
  }

  /** The same room, not a later one of the same name (the creator's random salt tells them apart). */
  isSameAs(other: Room): boolean {
    return other.key === this.key && other.createdAt === this.createdAt && other.kdf.salt === this.kdf.salt;
  }

  info(): RoomInfo {
    return { name: this.name, creator: this.creator, createdAt: new Date(this.createdAt).toISOString(), kdf: { ...this.kdf } };
  }
}

function hashVerifier(verifier: string): Buffer {
  return createHash('sha256').update(Buffer.from(verifier, 'base64url')).digest();
}
