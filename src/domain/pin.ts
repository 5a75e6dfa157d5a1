/** Issue 14: a quick-lock PIN is 4 to 6 digits (ASCII), checked on the device only (sync/vault.ts). */
/** Wrong PINs in a row after which only the password opens the user's data (the PIN's key copy is deleted). */
export const MAX_PIN_FAILURES = 5;
export const PIN_MIN = 4;
export const PIN_MAX = 6;
export const isPin = (pin: string): boolean => /^[0-9]{4,6}$/.test(pin);
