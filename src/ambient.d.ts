// Module shapes for files Bun imports as text.
declare module "*.sql" {
  const text: string;
  export default text;
}

// Data files Bun imports as files (`with { type: "file" }`): their path.
declare module "*.csv" {
  const path: string;
  export default path;
}

// Dashboard assets Bun imports as text (`with { type: "text" }`).
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "*.js" {
  const text: string;
  export default text;
}
