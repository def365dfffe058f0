// The command line's own errors, beside the AppErrors the rest of keel throws
// (src/errors.ts; an input AppError also exits 2). Each ends as one line on
// stderr: UsageError for bad arguments (exit 2), ServiceError when a running
// service or the state refused what was asked (exit 1, its message relayed).

export class UsageError extends Error {}

export class ServiceError extends Error {}
