// Writes data/passwords.csv: a generated password-strength dataset in the
// shape of the text models keel replaces (one string in, one number out).
// `Password` is built from the patterns people use (dictionary words, names,
// years, keyboard walks, leetspeak, random strings); `Times` is log10 of the
// seconds an offline guessing attack (1e4 guesses/s) that knows those patterns
// would need, plus noise. Deterministic: same seed, same file.
//
//   bun scripts/generate-passwords.ts [rows] > data/passwords.csv

import { createRandom } from "../src/data/random.ts";

const WORDS = (
  "password dragon monkey shadow master sunshine princess football baseball welcome " +
  "letmein freedom whatever trustno1 superman batman iloveyou starwars summer winter " +
  "flower hello charlie donald michael jennifer jordan hunter ranger buster soccer " +
  "hockey killer george andrew thomas robert daniel tigger ginger pepper cookie " +
  "orange banana cheese chocolate coffee purple silver golden diamond secret " +
  "computer internet pokemon matrix mustang harley corvette thunder lightning " +
  "angel austin maggie bailey sophie oliver emma olivia liam noah lucas mia " +
  "berlin london paris tokyo boston dallas chicago madrid sydney toronto"
).split(" ");
const WALKS = ["qwerty", "asdf", "zxcvbn", "qazwsx", "1qaz2wsx", "123456", "abc123", "qwertyuiop"];
const SYMBOLS = "!@#$%&*?_.-";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";
const LEET: Record<string, string> = { a: "4", e: "3", i: "1", o: "0", s: "5", t: "7" };

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[] | string): T =>
  items[Math.floor(random() * items.length)] as T;

function randomString(random: Random, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += pick<string>(random, alphabet);
  return out;
}

/** One password and the log10 of the guesses a pattern-aware attacker needs. */
function makePassword(random: Random): { password: string; log10Guesses: number } {
  const style = random();
  if (style < 0.15) {
    const walk = pick(random, WALKS);
    return { password: walk, log10Guesses: Math.log10(WALKS.indexOf(walk) + 2) };
  }
  if (style < 0.75) return wordPassword(random);
  const alphabet =
    style < 0.85
      ? LOWER + DIGITS
      : style < 0.95
        ? LOWER + UPPER + DIGITS
        : LOWER + UPPER + DIGITS + SYMBOLS;
  const length = 6 + Math.floor(random() * 11);
  return {
    password: randomString(random, alphabet, length),
    log10Guesses: length * Math.log10(alphabet.length) - Math.log10(2),
  };
}

function wordPassword(random: Random): { password: string; log10Guesses: number } {
  const rank = Math.floor(random() * WORDS.length);
  let password = WORDS[rank]!;
  let guesses = Math.log10(rank + 1) + 1;
  if (random() < 0.35) {
    password = password[0]!.toUpperCase() + password.slice(1);
    guesses += Math.log10(2);
  }
  if (random() < 0.25) {
    password = [...password].map((c) => LEET[c] ?? c).join("");
    guesses += Math.log10(4);
  }
  const suffix = random();
  if (suffix < 0.3) {
    password += String(1950 + Math.floor(random() * 75));
    guesses += Math.log10(75);
  } else if (suffix < 0.55) {
    const digits = 1 + Math.floor(random() * 4);
    password += randomString(random, DIGITS, digits);
    guesses += digits;
  } else if (suffix < 0.7) {
    password += WORDS[Math.floor(random() * WORDS.length)]!;
    guesses += Math.log10(WORDS.length);
  }
  if (random() < 0.3) {
    password += pick<string>(random, SYMBOLS);
    guesses += Math.log10(SYMBOLS.length * 2);
  }
  return { password, log10Guesses: guesses };
}

/** Box–Muller normal noise. */
function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) || value !== value.trim()
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

const rows = Number(process.argv[2] ?? 8000);
const random = createRandom(20261202);
const lines = ["Password,Times"];
for (let i = 0; i < rows; i++) {
  const { password, log10Guesses } = makePassword(random);
  const seconds = Math.max(0, log10Guesses - 4 + 0.25 * gaussian(random));
  lines.push(`${csvField(password)},${seconds.toFixed(3)}`);
}
process.stdout.write(`${lines.join("\n")}\n`);
