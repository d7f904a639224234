import type { ImageMime } from '@ciphernest/crypto';

const EXTENSIONS: Readonly<Record<ImageMime, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };

const two = (value: number) => String(value).padStart(2, '0');

/**
 * The name "Save image" offers: the one the sender gave, if any; otherwise "image-" and the
 * message's time (local, to the second) with the extension of its type, e.g.
 * "image-2026-12-07-154233.png". BlobSaver still makes it safe to save under.
 */
export function imageFileName(image: { name?: string; mime: ImageMime }, at: Date): string {
  if (image.name !== undefined && image.name.trim() !== '') return image.name;
  const day = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  const time = `${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}`;
  return `image-${day}-${time}.${EXTENSIONS[image.mime]}`;
}
