/** What one click on a download link asked for: its URL, the name offered, and the blob behind the URL. */
export interface RecordedDownload {
  href: string;
  download: string;
  blob?: Blob;
  /** Whether the link was in the document when clicked (browsers ignore a detached one). */
  attached: boolean;
}

/**
 * Records object URLs made and revoked and every click on an `<a download>` (jsdom would try to
 * navigate), so a spec can check what a download saved. Call {@link restore} after the spec.
 */
export class DownloadRecorder {
  readonly downloads: RecordedDownload[] = [];
  readonly created = new Map<string, Blob>();
  readonly revoked: string[] = [];
  private readonly click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(this.record());

  constructor() {
    Object.defineProperty(URL, 'createObjectURL', {
      configurable: true,
      value: (blob: Blob) => {
        const url = `blob:test/${this.created.size + 1}`;
        this.created.set(url, blob);
        return url;
      },
    });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: (url: string) => this.revoked.push(url) });
  }

  restore(): void {
    this.click.mockRestore();
  }

  private record(): (this: HTMLAnchorElement) => void {
    const downloads = this.downloads;
    const created = this.created;
    return function (this: HTMLAnchorElement) {
      const href = this.getAttribute('href') ?? '';
      downloads.push({ href, download: this.download, blob: created.get(href), attached: this.isConnected });
    };
  }
}
