// A command line that cannot be understood; printed with the command's name, exit status 2.
import { GitrailError } from '../domain/errors.ts';

export class UsageError extends GitrailError {
  constructor(message: string) {
    super('USAGE', message);
  }
}
