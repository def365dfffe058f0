// Errors the command line reports as one line: UsageError (bad arguments or
// input: exit 2) and ServiceError (the service or the state said no: exit 1).

export class UsageError extends Error {}

export class ServiceError extends Error {}
