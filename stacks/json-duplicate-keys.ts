/** The duplicate-key finder of handlers/lib (the trigger refuses registry values with one too). */
export { findDuplicateKey, type DuplicateKey } from "../handlers/lib/json-duplicate-keys";
