/**
 * The mixed-script rule of names (docs/protocol.md §1, "Mixed scripts"): Unicode TS #39's "highly
 * restrictive" level, from the Script_Extensions property as this JavaScript engine knows it.
 */

/**
 * Every script of Unicode 17 (Node 20.20's ICU), by its long name. A spec checks that each
 * letter, mark and digit of the runtime's Unicode belongs to one of them or to Common or
 * Inherited, so a Node upgrade that brings new scripts says so.
 */
export const SCRIPT_NAMES: readonly string[] = `
Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali
Beria_Erfe Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian
Caucasian_Albanian Chakma Cham Cherokee Chorasmian Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic
Deseret Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Garay
Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Gurung_Khema Han Hangul
Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inscriptional_Pahlavi
Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi
Khitan_Small_Script Khmer Khojki Khudawadi Kirat_Rai Lao Latin Lepcha Limbu Linear_A Linear_B Lisu
Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin
Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani
Myanmar Nabataean Nag_Mundari Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham
Ol_Chiki Ol_Onal Old_Hungarian Old_Italic Old_North_Arabian Old_Permic Old_Persian Old_Sogdian
Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau
Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham
Sidetic SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Sunuwar Syloti_Nagri Syriac
Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Tai_Yo Takri Tamil Tangsa Tangut Telugu Thaana Thai
Tibetan Tifinagh Tirhuta Todhri Tolong_Siki Toto Tulu_Tigalari Ugaritic Vai Vithkuqi Wancho
Warang_Citi Yezidi Yi Zanabazar_Square
`
  .trim()
  .split(/\s+/);

/**
 * The script combinations TS #39's highly restrictive level allows beyond a single script:
 * Japanese, Korean and Chinese with Bopomofo, each also with Latin.
 */
const COMBINATIONS: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Hangul'],
  ['Latin', 'Han', 'Bopomofo'],
];

/** Characters of scripts Common and Inherited (digits, space, `-`, `_`, `.`, most marks): they go with any script. */
const ANY_SCRIPT = /[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]/u;

/** A pattern per name; null for a script the engine does not know (an older browser), whose letters it cannot judge. */
function pattern(names: readonly string[]): RegExp | null {
  try {
    return new RegExp(`[${names.map((name) => `\\p{Script_Extensions=${name}}`).join('')}]`, 'u');
  } catch {
    return null;
  }
}

const SCRIPTS = SCRIPT_NAMES.map((name) => pattern([name])).filter((script): script is RegExp => script !== null);
const CANDIDATES = [...SCRIPTS, ...COMBINATIONS.map(pattern).filter((script): script is RegExp => script !== null)];

/**
 * Whether every letter, mark and digit of `text` shares one script, or one of the allowed
 * combinations, with all the others (characters of several scripts, such as `ー` of Hiragana
 * and Katakana, count for each). Latin mixed with Cyrillic or Greek is not; `Tシャツ`,
 * `東京タワー` and `한국 漢字` are. A character of a script this engine does not know is left
 * to the server, which knows them all.
 */
export function isSingleScript(text: string): boolean {
  let candidates = CANDIDATES;
  for (const character of text) {
    if (ANY_SCRIPT.test(character)) continue;
    const shared = candidates.filter((candidate) => candidate.test(character));
    if (shared.length > 0) candidates = shared;
    else if (SCRIPTS.some((script) => script.test(character))) return false;
  }
  return true;
}
