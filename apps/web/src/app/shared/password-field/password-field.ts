import { ChangeDetectionStrategy, Component, computed, effect, type ElementRef, inject, input, signal, viewChild } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { type FormControl, ReactiveFormsModule } from '@angular/forms';
import { startWith, switchMap } from 'rxjs';
import { generatePassphrase } from '../passphrase/generate-passphrase';
import { PassphraseWords } from '../passphrase/passphrase-words';
import { passwordStrength } from './password-strength';

type CopyState = 'idle' | 'copied' | 'failed';

/** Bits at which the strength meter is full. */
const METER_MAX_BITS = 80;

/**
 * The "Password" field of the create and join forms: a show/hide toggle, and on create a
 * strength meter and a passphrase generator. The parent owns the control and its error text.
 */
@Component({
  selector: 'app-password-field',
  imports: [ReactiveFormsModule],
  templateUrl: './password-field.html',
  styleUrl: './password-field.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordField {
  readonly control = input.required<FormControl<string>>();
  /** 'create' adds the strength meter and "Generate passphrase". */
  readonly mode = input.required<'create' | 'join'>();
  /** The problem to show beside the field, if any. */
  readonly message = input<string>();

  private readonly words = inject(PassphraseWords);
  private readonly input = viewChild.required<ElementRef<HTMLInputElement>>('passwordInput');

  private readonly visibleState = signal(false);
  private readonly generatedState = signal<string | undefined>(undefined);
  private readonly copyState = signal<CopyState>('idle');
  private readonly generateFailedState = signal(false);

  readonly visible = this.visibleState.asReadonly();
  readonly generated = this.generatedState.asReadonly();
  readonly copy = this.copyState.asReadonly();
  readonly generateFailed = this.generateFailedState.asReadonly();

  private readonly value = toSignal(
    toObservable(this.control).pipe(switchMap((control) => control.valueChanges.pipe(startWith(control.value)))),
    { initialValue: '' },
  );

  readonly hasValue = computed(() => this.value().length > 0);
  readonly strength = computed(() => passwordStrength(this.value()));
  readonly meterValue = computed(() => Math.min(this.strength().bits, METER_MAX_BITS));
  readonly meterMax = METER_MAX_BITS;

  constructor() {
    // The passphrase box describes the field's value; once the field holds something else it would mislead.
    effect(() => {
      const generated = this.generatedState();
      if (generated !== undefined && this.value() !== generated) this.generatedState.set(undefined);
    });
  }

  focus(): void {
    this.input().nativeElement.focus();
  }

  toggleVisible(): void {
    this.visibleState.update((visible) => !visible);
  }

  async generate(): Promise<void> {
    this.generateFailedState.set(false);
    let words: readonly string[];
    try {
      words = await this.words.load();
    } catch {
      this.generateFailedState.set(true);
      return;
    }
    const passphrase = generatePassphrase(words);
    const control = this.control();
    control.setValue(passphrase);
    control.markAsDirty();
    control.markAsTouched();
    this.copyState.set('idle');
    this.generatedState.set(passphrase);
  }

  async copyPassphrase(box: HTMLTextAreaElement): Promise<void> {
    const passphrase = this.generatedState();
    if (passphrase === undefined) return;
    try {
      if (!globalThis.navigator?.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(passphrase);
      this.copyState.set('copied');
    } catch {
      // Without clipboard access (an insecure origin, a refused permission) the selection lets people copy by hand.
      box.select();
      this.copyState.set('failed');
    }
  }
}
