import type { RelayedMessage } from '@ciphernest/protocol';
import type { Page, WebSocketRoute } from 'playwright-core';
import { ChatPacketReader, type Frame, relayedMessageFrames, relayedMessageOf } from './socket-io-frames';

/** What the relay hands the page for one `message` the server relayed to it: the same, changed, several, or none. */
export type Rewrite = (message: RelayedMessage) => Promise<RelayedMessage[]>;

/**
 * A relay between the server and one page (Playwright's routeWebSocket): every frame passes
 * unchanged and in order both ways, except the server's `message` events, which `rewrite` may
 * change, drop or multiply, and the messages a test injects. What a malicious server, or a TLS
 * proxy in front of it, that knows the room's password can do to the Socket.IO traffic.
 */
export class WireRelay {
  /** Every message handed to the page, as handed, in order. */
  readonly delivered: RelayedMessage[] = [];
  rewrite: Rewrite = async (message) => [message];
  private toPage: WebSocketRoute | undefined;
  private work: Promise<unknown> = Promise.resolve();

  /** Puts a relay between `page` and the server: call it before the page opens the app. */
  static async between(page: Page): Promise<WireRelay> {
    const relay = new WireRelay();
    await page.routeWebSocket(/\/socket\.io\//, (toPage) => relay.carry(toPage));
    return relay;
  }

  /** Hands the page a `message` the server never sent, after everything already on its way. */
  inject(message: RelayedMessage): Promise<void> {
    return this.enqueue(async () => this.deliver(message));
  }

  /** Resolves once everything received so far has been handed on. */
  async idle(): Promise<void> {
    await this.work;
  }

  private carry(toPage: WebSocketRoute): void {
    const toServer = toPage.connectToServer();
    this.toPage = toPage;
    const reader = new ChatPacketReader();
    let frames: Frame[] = [];
    toPage.onMessage((frame) => toServer.send(frame));
    toServer.onMessage((frame) => {
      const packet = reader.read(frame);
      frames.push(frame);
      if (reader.waiting) return;
      const whole = frames;
      frames = [];
      const message = packet === undefined ? undefined : relayedMessageOf(packet);
      void this.enqueue(async () => {
        if (message === undefined) for (const part of whole) toPage.send(part);
        else for (const rewritten of await this.rewrite(message)) this.deliver(rewritten, toPage);
      });
    });
  }

  private deliver(message: RelayedMessage, toPage = this.toPage): void {
    if (toPage === undefined) throw new Error('the page has no connection through the relay');
    this.delivered.push(message);
    for (const frame of relayedMessageFrames(message)) toPage.send(frame);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const done = this.work.then(task);
    this.work = done.catch(() => undefined);
    return done;
  }
}
