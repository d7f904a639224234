import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  type ElementRef,
  inject,
  Injector,
  input,
  type OnInit,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { type AbstractControl, FormControl, FormGroup, ReactiveFormsModule, type ValidationErrors, type ValidatorFn } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { checkPassword, checkRoomName, checkUsername, type NameCheck, nameKey, type SessionGrant } from '@ciphernest/protocol';
import { startWith } from 'rxjs';
import { ApiClient } from '../../core/api/api-client';
import { CryptoService, type DerivedRoomKeys } from '../../core/crypto/crypto.service';
import { ErrorReference } from '../../core/errors/error-reference';
import { type ChatSession, SessionStore } from '../../core/session/session-store';
import { PasswordField } from '../password-field/password-field';
import { type Availability, roomAvailability } from './room-availability';
import { RoomCheckBudget } from './room-check-budget';
import {
  passwordProblemText,
  type PlacedProblem,
  placeProblem,
  roomNameProblemText,
  type RoomFormField,
  type RoomFormMode,
  type SubmitStep,
  usernameProblemText,
} from './room-form-problems';

type Phase = 'idle' | 'deriving' | 'entering';

function nameValidator(check: (raw: unknown) => NameCheck): ValidatorFn {
  return (control: AbstractControl): ValidationErrors | null => {
    const result = check(control.value);
    return result.ok ? null : { name: result.problem };
  };
}

const passwordValidator: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const result = checkPassword(String(control.value ?? ''));
  return result.ok ? null : { password: result.problem };
};

/** The member entry the server made for us: our name exactly as the server reports it (docs/protocol.md §3 `from`). */
function grantedName(grant: SessionGrant, username: string): string {
  const key = nameKey(username);
  return grant.members.find((member) => nameKey(member.name) === key)?.name ?? username;
}

/**
 * The create and join form: room name, username and password with live validation
 * (docs/protocol.md §1), live availability through the exists endpoint, key derivation in a worker,
 * then the create or join call. On success the session is saved for this tab and the chat opens.
 *
 * Security: the password lives only in the form control and in the submission's scope; the
 * control is cleared once the keys exist, and only the verifier reaches the server.
 */
@Component({
  selector: 'app-room-form',
  imports: [ReactiveFormsModule, RouterLink, PasswordField, ErrorReference],
  templateUrl: './room-form.html',
  styleUrl: './room-form.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoomForm implements OnInit {
  readonly mode = input.required<RoomFormMode>();
  /** Prefill for the room name (from `?roomname=`). */
  readonly roomname = input<string>();
  /** Prefill for the username (from `?username=`). */
  readonly username = input<string>();

  private readonly api = inject(ApiClient);
  private readonly crypto = inject(CryptoService);
  private readonly sessions = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly form = new FormGroup({
    room: new FormControl('', { nonNullable: true, validators: nameValidator(checkRoomName) }),
    username: new FormControl('', { nonNullable: true, validators: nameValidator(checkUsername) }),
    password: new FormControl('', { nonNullable: true, validators: passwordValidator }),
  });

  private readonly roomInput = viewChild.required<ElementRef<HTMLInputElement>>('roomInput');
  private readonly usernameInput = viewChild.required<ElementRef<HTMLInputElement>>('usernameInput');
  private readonly passwordField = viewChild.required(PasswordField);
  private readonly submitButton = viewChild.required<ElementRef<HTMLButtonElement>>('submitButton');

  private readonly phaseState = signal<Phase>('idle');
  private readonly submittedState = signal(false);
  private readonly problemState = signal<PlacedProblem | undefined>(undefined);
  private readonly activeSessionState = signal<ChatSession | undefined>(undefined);

  readonly phase = this.phaseState.asReadonly();
  readonly busy = computed(() => this.phaseState() !== 'idle');
  /** The last refusal, placed beside its field or in the form's alert. */
  readonly problem = this.problemState.asReadonly();
  /** A session this tab still holds, offered as "Return to <room>". */
  readonly activeSession = this.activeSessionState.asReadonly();

  readonly availability = toSignal(
    roomAvailability(this.form.controls.room.valueChanges.pipe(startWith(this.form.controls.room.value)), (room) => this.api.roomExists(room), {
      budget: inject(RoomCheckBudget),
    }),
    { initialValue: { state: 'idle', name: '' } satisfies Availability },
  );

  readonly submitLabel = computed(() => (this.mode() === 'create' ? 'Create room' : 'Join room'));
  readonly phaseText = computed(() => {
    switch (this.phaseState()) {
      case 'deriving':
        return 'Deriving key…';
      case 'entering':
        return this.mode() === 'create' ? 'Creating the room…' : 'Joining the room…';
      case 'idle':
        return '';
    }
  });

  constructor() {
    // A refusal beside a field is about what was typed there; once that changes it no longer applies.
    for (const field of ['room', 'username', 'password'] as const) {
      this.form.controls[field].valueChanges.pipe(takeUntilDestroyed(this.destroyRef)).subscribe(() => {
        if (this.problemState()?.field === field) this.problemState.set(undefined);
      });
    }
  }

  ngOnInit(): void {
    this.form.patchValue({ room: this.roomname() ?? '', username: this.username() ?? '' });
    this.focusAfterPrefill();
    this.sessions.restore().then(
      (session) => this.activeSessionState.set(session),
      () => this.activeSessionState.set(undefined),
    );
  }

  /** The sentence beside a field: its own rule first (once touched or submitted), then the server's refusal. */
  protected message(field: RoomFormField): string | undefined {
    const control = this.form.controls[field];
    if (control.invalid && (control.touched || this.submittedState())) {
      const errors = control.errors ?? {};
      if (field === 'room') return roomNameProblemText(errors['name']);
      if (field === 'username') return usernameProblemText(errors['name']);
      return passwordProblemText(errors['password']);
    }
    const problem = this.problemState();
    return problem?.field === field ? problem.text : undefined;
  }

  /** Query parameters that carry what was typed over to the other form. */
  protected switchParams(room: string): Record<string, string | null> {
    const username = this.form.controls.username.value.trim();
    return { roomname: room.trim() || null, username: username || null };
  }

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    this.submittedState.set(true);
    this.problemState.set(undefined);
    this.form.markAllAsTouched();
    const room = checkRoomName(this.form.controls.room.value);
    const username = checkUsername(this.form.controls.username.value);
    const password = checkPassword(this.form.controls.password.value);
    if (!room.ok || !username.ok || !password.ok) {
      this.focusField(!room.ok ? 'room' : !username.ok ? 'username' : 'password');
      return;
    }

    let step: SubmitStep = 'lookup';
    let keys: DerivedRoomKeys | undefined;
    this.phaseState.set('deriving');
    try {
      let grant: SessionGrant;
      if (this.mode() === 'create') {
        const kdf = this.crypto.newKdf();
        step = 'derive';
        keys = await this.crypto.deriveRoomKeys(password.password, room.key, kdf);
        step = 'enter';
        this.phaseState.set('entering');
        grant = await this.api.createRoom({ room: room.name, username: username.name, verifier: keys.verifier, kdf });
      } else {
        const kdf = await this.api.lookupKdf(room.name);
        step = 'derive';
        keys = await this.crypto.deriveRoomKeys(password.password, room.key, kdf);
        step = 'enter';
        this.phaseState.set('entering');
        grant = await this.api.joinRoom(room.name, { username: username.name, verifier: keys.verifier });
      }
      this.form.controls.password.reset('');
      await this.sessions.save(
        {
          token: grant.token,
          room: grant.room,
          roomKey: room.key,
          username: grantedName(grant, username.name),
          keys: { encKey: keys.encKey, fingerprint: keys.fingerprint },
        },
        { vault: grant.vault, encKeyBytes: keys.encKeyBytes },
      );
      await this.router.navigateByUrl('/chat');
    } catch (error) {
      const placed = placeProblem(error, step);
      this.phaseState.set('idle');
      this.problemState.set(placed);
      this.focusField(placed.field);
    } finally {
      // The key's raw bytes served only to seal it under the session's vault.
      keys?.encKeyBytes.fill(0);
    }
  }

  /**
   * A link that names the room (an invite, "join it instead") leaves one thing to type: the
   * cursor waits in the first field still empty, the Password field once the names are valid.
   */
  private focusAfterPrefill(): void {
    if (!this.roomname() || this.form.controls.room.invalid) return;
    this.focusField(this.username() && this.form.controls.username.valid ? 'password' : 'username');
  }

  /** Focus after the next render, when a disabled fieldset has been enabled again. */
  private focusField(field: RoomFormField | 'form'): void {
    afterNextRender(
      () => {
        if (field === 'password') this.passwordField().focus();
        else if (field === 'room') this.roomInput().nativeElement.focus();
        else if (field === 'username') this.usernameInput().nativeElement.focus();
        else this.submitButton().nativeElement.focus();
      },
      { injector: this.injector },
    );
  }
}
