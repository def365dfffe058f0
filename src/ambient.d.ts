// Module shapes for files Bun imports as text.
declare module "*.sql" {
  const text: string;
  export default text;
}
