import { messageReplayContract } from '../../testing/message-replay-contract';
import { RecordingRoomSockets } from '../../testing/recording-room-sockets';
import { InMemoryRoomRepository } from './in-memory-room.repository';
import { InMemorySessionRepository } from './in-memory-session.repository';
import { LocalMessageDelivery } from './local-message-delivery';
import { LocalMessageReplay } from './local-message-replay';

describe('LocalMessageReplay', () => {
  messageReplayContract(async (limits) => {
    const rooms = new InMemoryRoomRepository(limits);
    const sessions = new InMemorySessionRepository((roomKey) => rooms.latestSeq(roomKey) ?? 0);
    return { replay: new LocalMessageReplay(rooms), delivery: new LocalMessageDelivery(sessions, rooms, new RecordingRoomSockets()), rooms, sessions };
  });
});
