/** Names people know for the types most often sent; any other shows as its media type. */
const TYPE_NAMES: ReadonlyMap<string, string> = new Map(Object.entries({
  'application/pdf': 'PDF document',
  'application/zip': 'ZIP archive',
  'application/json': 'JSON file',
  'application/octet-stream': 'File',
  'application/msword': 'Word document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.ms-excel': 'Excel spreadsheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel spreadsheet',
  'application/vnd.ms-powerpoint': 'PowerPoint presentation',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint presentation',
  'application/vnd.oasis.opendocument.text': 'OpenDocument text',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument spreadsheet',
  'text/plain': 'Text file',
  'text/csv': 'CSV file',
  'image/svg+xml': 'SVG image',
}));

const oneDecimal = (value: number) => (value < 99.95 ? value.toFixed(1) : String(Math.round(value)));

/** A byte count as people read it, in decimal units: "1 byte", "999 bytes", "1.2 kB", "8.4 MB". */
export function humanSize(bytes: number): string {
  if (bytes >= 999_950) return `${oneDecimal(bytes / 1_000_000)} MB`;
  if (bytes >= 1_000) return `${oneDecimal(bytes / 1_000)} kB`;
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}

/** What a file card says of a file besides its name: "PDF document · 1.2 MB", "application/x-foo · 3.0 kB". */
export function describeFile(mime: string, size: number): string {
  return `${TYPE_NAMES.get(mime) ?? mime} · ${humanSize(size)}`;
}
