/**
 * Compile-time: the limits type scenario authors import (define.ts LimitsInput) and the input type
 * of the schema that checks limits (schema/limits.ts) are each assignable to the other, so the
 * documented type and the validator cannot drift (tsc --noEmit fails first).
 */
import type { z } from 'zod';
import type { LimitsInput } from '../../src/scenario/define.ts';
import type { limitsBodySchema } from '../../src/schema/limits.ts';

type LimitsDocument = z.input<typeof limitsBodySchema>;
export const limitsInputIsADocument = (x: LimitsInput): LimitsDocument => x;
export const limitsDocumentIsAnInput = (x: LimitsDocument): LimitsInput => x;
