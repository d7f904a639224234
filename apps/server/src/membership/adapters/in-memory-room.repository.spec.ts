import { roomRepositoryContract } from '../../testing/room-repository-contract';
import { InMemoryRoomRepository } from './in-memory-room.repository';

describe('InMemoryRoomRepository', () => {
  roomRepositoryContract(() => new InMemoryRoomRepository());
});
