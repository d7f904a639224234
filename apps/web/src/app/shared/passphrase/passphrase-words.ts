import { Injectable } from '@angular/core';

/**
 * The word list for generated passphrases: BIP-39's 2,048 English words (11 bits each),
 * loaded on first use so the list stays out of the initial bundle.
 */
@Injectable({ providedIn: 'root' })
export class PassphraseWords {
  private words?: Promise<readonly string[]>;

  load(): Promise<readonly string[]> {
    this.words ??= import('@scure/bip39/wordlists/english.js').then(
      (module) => module.wordlist,
      (error: unknown) => {
        this.words = undefined;
        throw error;
      },
    );
    return this.words;
  }
}
