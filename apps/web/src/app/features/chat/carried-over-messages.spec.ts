import { CarriedOverMessages } from './carried-over-messages';

describe('CarriedOverMessages', () => {
  const written = { id: 'carried-message-0000001', content: { kind: 'text' as const, text: 'hello' } };

  it('hands the messages kept for a room to its next session, once', () => {
    const carried = new CarriedOverMessages();
    carried.keep('blue room', [written]);

    expect(carried.take('blue room')).toEqual([written]);
    expect(carried.take('blue room')).toEqual([]);
  });

  it('drops them when a session starts in another room', () => {
    const carried = new CarriedOverMessages();
    carried.keep('blue room', [written]);

    expect(carried.take('red room')).toEqual([]);
    expect(carried.take('blue room')).toEqual([]);
  });
});
