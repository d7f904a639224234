// Spec helpers that find elements the way people and assistive technology do: by label,
// by accessible text, and by what aria-describedby points at.

function text(element: Element | null | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The form control whose <label> reads exactly `label`. */
export function byLabel<T extends HTMLElement = HTMLInputElement>(root: HTMLElement, label: string): T {
  const match = Array.from(root.querySelectorAll('label')).find((candidate) => text(candidate) === label);
  const control = match?.htmlFor ? root.querySelector<T>(`#${match.htmlFor}`) : null;
  if (!control) throw new Error(`no control labelled "${label}"`);
  return control;
}

/** The button whose text reads exactly `name`, or undefined. */
export function findButton(root: HTMLElement, name: string): HTMLButtonElement | undefined {
  return Array.from(root.querySelectorAll('button')).find((candidate) => text(candidate) === name);
}

export function byButton(root: HTMLElement, name: string): HTMLButtonElement {
  const button = findButton(root, name);
  if (!button) throw new Error(`no button named "${name}"`);
  return button;
}

/** The link whose text reads exactly `name`, or undefined. */
export function findLink(root: HTMLElement, name: string): HTMLAnchorElement | undefined {
  return Array.from(root.querySelectorAll('a')).find((candidate) => text(candidate) === name);
}

/** The text of everything an element's aria-describedby points at, in order. */
export function description(element: HTMLElement): string {
  const ids = (element.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  return ids.map((id) => text(element.ownerDocument.getElementById(id))).filter(Boolean).join(' ');
}

/** Whitespace-normalised text content. */
export function textOf(element: Element | null | undefined): string {
  return text(element);
}

/** Types into a text field as a person would, as far as Angular's forms can tell. */
export function typeInto(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

/** Leaves a field, which marks its control as touched. */
export function leave(input: HTMLInputElement): void {
  input.dispatchEvent(new Event('blur'));
}
