import type { MessageContent } from './chat-entry';

/**
 * A file's line content: its bytes copied into a Blob of type application/octet-stream, whatever
 * its sender said it is, so that nothing made of it can be rendered (BlobSaver saves it).
 */
export function fileContent(file: { name: string; mime: string; bytes: Uint8Array }): Extract<MessageContent, { kind: 'file' }> {
  const blob = new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  return { kind: 'file', name: file.name, mime: file.mime, size: blob.size, blob };
}
