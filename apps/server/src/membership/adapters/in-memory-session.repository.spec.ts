import { sessionRepositoryContract } from '../../testing/session-repository-contract';
import { InMemorySessionRepository } from './in-memory-session.repository';

describe('InMemorySessionRepository', () => {
  sessionRepositoryContract(() => new InMemorySessionRepository());
});
