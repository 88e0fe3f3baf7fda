/** The caps live with the document schemas that publish them (schema/caps.ts); re-exported for the readers. */
export { CAPS, capText } from '../schema/caps.ts';
