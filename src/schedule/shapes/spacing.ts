/** The `arrivals` field of a spec given directly (library callers): 'uniform' or 'poisson'. */
import { UsageError } from '../../errors.ts';
import { at, type Where } from '../../validate.ts';
import type { Spacing } from '../shape-definition.ts';

export function spacingOf(value: Spacing, where: Where): Spacing {
  if (value === 'uniform' || value === 'poisson') return value;
  const field = at(where, 'arrivals');
  throw UsageError.invalid(field.file, field.field, value, '"uniform" or "poisson"');
}
