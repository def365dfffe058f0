// Tests read JSON answers loosely: the assertions are the type checks.
interface Response {
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked by expect(), not the compiler
  json(): Promise<any>;
}
